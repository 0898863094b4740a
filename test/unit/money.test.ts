import { describe, expect, it } from 'vitest';
import { allocate, computeTotals, lineTotals, percentOf, roundDiv } from '#domain/money';

describe('roundDiv', () => {
  it('rounds halves away from zero', () => {
    expect(roundDiv(5n, 2n)).toBe(3n);
    expect(roundDiv(-5n, 2n)).toBe(-3n);
    expect(roundDiv(4n, 3n)).toBe(1n);
    expect(roundDiv(5n, 3n)).toBe(2n);
  });
});

describe('lineTotals', () => {
  it('multiplies decimal quantities exactly and rounds once per line', () => {
    expect(lineTotals({ quantity: 1.5, unitPrice: 3_333, discountPercent: 0, taxRate: 20 })).toEqual({
      gross: 5_000,
      discount: 0,
      net: 5_000,
    });
    expect(lineTotals({ quantity: 0.1, unitPrice: 3, discountPercent: 0, taxRate: 0 })).toEqual({
      gross: 0,
      discount: 0,
      net: 0,
    });
    expect(lineTotals({ quantity: 3, unitPrice: 10_000, discountPercent: 12.5, taxRate: 20 })).toEqual({
      gross: 30_000,
      discount: 3_750,
      net: 26_250,
    });
  });

  it('stays exact for the largest amounts', () => {
    const t = lineTotals({ quantity: 1, unitPrice: 10_000_000_000_000, discountPercent: 33.33, taxRate: 0 });
    expect(t.discount).toBe(3_333_000_000_000);
    expect(t.net).toBe(6_667_000_000_000);
  });
});

describe('computeTotals', () => {
  it('breaks taxes down per rate with the deal discount shared in proportion', () => {
    const totals = computeTotals(
      [
        { quantity: 2, unitPrice: 10_000, discountPercent: 0, taxRate: 20 },
        { quantity: 1, unitPrice: 5_000, discountPercent: 10, taxRate: 5.5 },
        { quantity: 1, unitPrice: 999, discountPercent: 0, taxRate: 20 },
      ],
      10,
    );
    // subtotal = 20000 + 4500 + 999 = 25499; discount = 2549.9 → 2550; net = 22949
    expect(totals).toMatchObject({
      gross: 25_999,
      lineDiscounts: 500,
      subtotal: 25_499,
      discount: 2_550,
      net: 22_949,
    });
    // bases: 20% 20999, 5.5% 4500; discount share 2550 × 20999/25499 = 2100.0… → 2100, rest 450
    expect(totals.taxes).toEqual([
      { rate: 5.5, base: 4_050, amount: 223 },
      { rate: 20, base: 18_899, amount: 3_780 },
    ]);
    expect(totals.taxes.reduce((a, t) => a + t.base, 0)).toBe(totals.net);
    expect(totals.total).toBe(22_949 + 223 + 3_780);
  });

  it('gives zeros for no lines', () => {
    expect(computeTotals([])).toEqual({
      gross: 0,
      lineDiscounts: 0,
      subtotal: 0,
      discount: 0,
      net: 0,
      taxes: [],
      total: 0,
    });
  });
});

describe('allocate', () => {
  it('splits so the parts add up exactly, largest remainders first', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(7, [0, 0])).toEqual([7, 0]);
    expect(allocate(10, [3, 7])).toEqual([3, 7]);
  });
});

describe('percentOf', () => {
  it('rounds the weighted amount once', () => {
    expect(percentOf(52_371, 40)).toBe(20_948);
    expect(percentOf(5, 50)).toBe(3);
  });
});
