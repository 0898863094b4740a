import { computeTotals } from '#domain/money';
import type { Line } from '#schemas/deals';
import type { Quote } from '#schemas/quotes';

/** Deterministic ULIDs for fixtures: a fixed prefix and a counter. */
export function ulid(n: number): string {
  return `01JD3M8ZP6V0Q6W9C2R4K5${String(n).padStart(4, '0')}`;
}

export function line(n: number, overrides: Partial<Line> = {}): Line {
  return {
    id: ulid(1000 + n),
    name: `Item ${n}`,
    quantity: 1,
    unitPrice: 10_000,
    discountPercent: 0,
    taxRate: 20,
    ...overrides,
  };
}

/** Three VAT rates, line discounts and a whole-quote discount: every branch of the totals. */
export const MIXED_LINES: Line[] = [
  line(1, {
    name: 'Website redesign',
    description: 'Design and build of 8 pages\nResponsive, accessible',
    quantity: 1,
    unitPrice: 450_000,
    discountPercent: 10,
    taxRate: 20,
  }),
  line(2, { name: 'Hosting (12 months)', quantity: 12, unitPrice: 2_999, taxRate: 20 }),
  line(3, { name: 'Training day', quantity: 1.5, unitPrice: 80_000, discountPercent: 5, taxRate: 10 }),
  line(4, { name: 'Printed manual', quantity: 3, unitPrice: 1_999, taxRate: 5.5 }),
];

/** A valid quote; `overrides.lines`/`discountPercent` recompute the totals so they always add up. */
export function makeQuote(overrides: Partial<Quote> = {}): Quote {
  const lines = overrides.lines ?? MIXED_LINES;
  const discountPercent = overrides.discountPercent ?? 5;
  return {
    id: ulid(1),
    dealId: ulid(2),
    number: 'Q-2026-0042',
    version: 2,
    templateId: 'classic',
    locale: 'en',
    currency: 'EUR',
    status: 'sent',
    validUntil: '2026-12-31',
    intro: 'Thank you for your interest.\n\nBest regards.',
    terms: 'Payment within 30 days.\nLate fee: €40.',
    recipient: { name: 'Jane Buyer', email: 'jane@client.example' },
    client: {
      name: 'Jane Buyer',
      companyName: 'Client Industries',
      address: '1 Main Street\n69001 Lyon',
      vatNumber: 'FR98765432109',
      email: 'jane@client.example',
    },
    changeRequests: [],
    createdAt: '2026-11-20T09:30:00.000Z',
    updatedAt: '2026-11-21T10:00:00.000Z',
    sentAt: '2026-11-21T10:00:00.000Z',
    ...overrides,
    lines,
    discountPercent,
    totals: overrides.totals ?? computeTotals(lines, discountPercent),
  };
}

/** `n` lines with varied rates and some long descriptions, to exercise pagination. */
export function manyLines(n: number): Line[] {
  const rates = [20, 10, 5.5];
  return Array.from({ length: n }, (_, i) =>
    line(i + 1, {
      name: `Line item number ${i + 1}`,
      description:
        i % 7 === 0
          ? `Detailed description of item ${i + 1}, spanning a couple of lines of text.`
          : undefined,
      quantity: (i % 5) + 1,
      unitPrice: 1_000 + i * 137,
      discountPercent: i % 4 === 0 ? 2.5 : 0,
      taxRate: rates[i % 3] ?? 20,
    }),
  );
}
