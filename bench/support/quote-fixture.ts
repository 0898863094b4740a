/** The quote the PDF benches render: `n` lines over three tax rates, some with a description or a discount. */
import { computeTotals } from '#domain/money';
import type { Line } from '#schemas/deals';
import type { Quote } from '#schemas/quotes';

function lines(n: number): Line[] {
  const rates = [20, 10, 5.5];
  return Array.from({ length: n }, (_, i) => ({
    id: `01JD3M8ZP6V0Q6W9C2R4K5${String(1000 + i).padStart(4, '0')}`,
    name: `Line item number ${i + 1}`,
    ...(i % 7 === 0
      ? { description: `Detailed description of item ${i + 1}, spanning a couple of lines.` }
      : {}),
    quantity: (i % 5) + 1,
    unitPrice: 1_000 + i * 137,
    discountPercent: i % 4 === 0 ? 2.5 : 0,
    taxRate: rates[i % 3] ?? 20,
  }));
}

export function quote(n: number): Quote {
  const quoteLines = lines(n);
  return {
    id: '01JD3M8ZP6V0Q6W9C2R4K50001',
    dealId: '01JD3M8ZP6V0Q6W9C2R4K50002',
    number: 'Q-2026-0042',
    version: 1,
    templateId: 'classic',
    locale: 'fr',
    currency: 'EUR',
    status: 'sent',
    validUntil: '2026-12-31',
    intro: 'Nous vous remercions de votre intérêt.',
    terms: 'Règlement à 30 jours.\nIndemnité forfaitaire de recouvrement : 40 €.',
    recipient: { name: 'Jane Buyer', email: 'jane@client.example' },
    client: {
      name: 'Jane Buyer',
      companyName: 'Client Industries',
      address: '1 Main Street\n69001 Lyon',
      email: 'jane@client.example',
    },
    lines: quoteLines,
    discountPercent: 5,
    totals: computeTotals(quoteLines, 5),
    changeRequests: [],
    createdAt: '2026-11-20T09:30:00.000Z',
    updatedAt: '2026-11-21T10:00:00.000Z',
    sentAt: '2026-11-21T10:00:00.000Z',
  };
}
