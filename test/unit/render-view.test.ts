import { describe, expect, it } from 'vitest';
import { computeTotals, lineTotals } from '#domain/money';
import { formatMoney, formatPercent } from '#render/i18n';
import { getTemplate } from '#render/templates';
import { documentFileId, QuoteTotalsMismatchError, quoteView, toParagraphs } from '#render/view';
import { MIXED_LINES, makeQuote } from './render-fixtures.ts';

describe('quoteView', () => {
  it('shows the totals computeTotals gives for several VAT rates and both kinds of discount', () => {
    // Arrange
    const quote = makeQuote({ lines: MIXED_LINES, discountPercent: 5, locale: 'fr' });
    const expected = computeTotals(MIXED_LINES, 5);
    const money = (minor: number) => formatMoney(minor, 'EUR', 'fr');

    // Act
    const view = quoteView(quote, getTemplate('classic'));

    // Assert
    expect(expected.taxes.map((t) => t.rate)).toEqual([5.5, 10, 20]);
    expect(view.totals).toEqual([
      { kind: 'subtotal', label: 'Sous-total HT', amount: money(expected.subtotal) },
      { kind: 'discount', label: `Remise ${formatPercent(5, 'fr')}`, amount: money(-expected.discount) },
      { kind: 'net', label: 'Total HT', amount: money(expected.net) },
      ...expected.taxes.map((t) => ({
        kind: 'tax',
        label: `TVA ${formatPercent(t.rate, 'fr')}`,
        amount: money(t.amount),
      })),
      { kind: 'total', label: 'Total TTC', amount: money(expected.total) },
    ]);
    expect(view.taxes).toEqual(
      expected.taxes.map((t) => ({
        rate: formatPercent(t.rate, 'fr'),
        base: money(t.base),
        amount: money(t.amount),
      })),
    );
    expect(view.total).toBe(money(expected.total));
  });

  it('shows each line net as lineTotals computes it, and the sum of the nets is the subtotal', () => {
    // Arrange
    const quote = makeQuote({ lines: MIXED_LINES });

    // Act
    const view = quoteView(quote, getTemplate('classic'));

    // Assert
    const nets = MIXED_LINES.map((line) => lineTotals(line).net);
    expect(view.lines.map((l) => l.net)).toEqual(nets.map((n) => formatMoney(n, 'EUR', 'en')));
    expect(nets.reduce((a, b) => a + b, 0)).toBe(quote.totals.subtotal);
    expect(view.hasLineDiscounts).toBe(true);
    expect(view.lines[1]?.discount).toBeNull();
  });

  it('omits the subtotal and discount rows when the quote has no overall discount', () => {
    // Act
    const view = quoteView(makeQuote({ discountPercent: 0 }), getTemplate('classic'));

    // Assert
    expect(view.totals.map((row) => row.kind)).toEqual(['net', 'tax', 'tax', 'tax', 'total']);
  });

  it('throws QuoteTotalsMismatchError when the stored totals do not follow from the lines', () => {
    // Arrange
    const good = makeQuote();
    const tampered = makeQuote({ totals: { ...good.totals, total: good.totals.total + 1 } });

    // Act / Assert
    expect(() => quoteView(tampered, getTemplate('classic'))).toThrow(QuoteTotalsMismatchError);
  });

  it('compares stored totals field by field, whatever the key order DynamoDB returns', () => {
    // Arrange
    const quote = makeQuote();
    const { taxes, total, ...rest } = quote.totals;
    const reordered = makeQuote({
      totals: { total, taxes: taxes.map((t) => ({ amount: t.amount, base: t.base, rate: t.rate })), ...rest },
    });

    // Act / Assert
    expect(() => quoteView(reordered, getTemplate('classic'))).not.toThrow();
  });

  it("prints the quote's seller snapshot rather than the template's current seller", () => {
    // Arrange
    const quote = makeQuote({
      seller: { name: 'Snapshot SARL', vatNumber: 'FR00000000000', timeZone: 'Europe/Paris' },
    });

    // Act
    const view = quoteView(quote, getTemplate('classic'));

    // Assert
    expect(view.seller.name).toBe('Snapshot SARL');
    expect(view.footer).toBe('Snapshot SARL · VAT no. FR00000000000');
  });

  it("dates the quote from its sending, in the seller's time zone, and its validity as written", () => {
    // Arrange
    const quote = makeQuote({ sentAt: '2026-11-30T23:30:00.000Z', validUntil: '2026-12-31' });

    // Act
    const view = quoteView(quote, getTemplate('classic'));

    // Assert
    expect(view.issueDate).toBe('1 December 2026');
    expect(view.validity).toBe('This quote is valid until 31 December 2026.');
    expect(view.document.creationDate).toBe(quote.createdAt);
    expect(view.document.modDate).toBe('2026-11-30T23:30:00.000Z');
  });

  it('puts the company first and the person as attention line', () => {
    // Act
    const view = quoteView(makeQuote(), getTemplate('classic'));

    // Assert
    expect(view.client.name).toBe('Client Industries');
    expect(view.client.attention).toBe('Jane Buyer');
    expect(view.client.address).toEqual(['1 Main Street', '69001 Lyon']);
  });

  it('derives the PDF file ID from the quote id and version only', () => {
    // Arrange
    const quote = makeQuote();

    // Act
    const view = quoteView(quote, getTemplate('modern'));

    // Assert
    expect(view.document.fileId).toBe(documentFileId(quote.id, quote.version));
    expect(view.document.fileId).toMatch(/^[0-9a-f]{32}$/);
    expect(documentFileId(quote.id, quote.version + 1)).not.toBe(view.document.fileId);
  });

  it('is plain data that survives a JSON round trip', () => {
    // Act
    const view = quoteView(makeQuote(), getTemplate('modern'));

    // Assert
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  });
});

describe('toParagraphs', () => {
  it('splits on blank lines, keeps single line breaks and drops control characters', () => {
    expect(toParagraphs('One\r\nline two\n\n \n\nTwo\u0007\tend\n')).toEqual([
      ['One', 'line two'],
      ['Two end'],
    ]);
    expect(toParagraphs(undefined)).toEqual([]);
  });
});
