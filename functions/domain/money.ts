/**
 * Money arithmetic. Amounts are integer minor units (cents); every intermediate product is exact
 * (BigInt) and each rounded figure is rounded once, half away from zero ("commercial rounding").
 *
 * The rule, applied in this order (README "Money and rounding"):
 *  1. line gross    = quantity × unit price                        rounded per line
 *  2. line discount = line gross × line discount %                 rounded per line
 *  3. subtotal      = Σ (line gross − line discount)
 *  4. discount      = subtotal × whole-deal discount %             rounded once
 *  5. net           = subtotal − discount                          (the deal's `amount`)
 *  6. the discount is shared across tax rates in proportion to each rate's base (largest remainder,
 *     so the bases add up to `net` exactly); tax per rate = base × rate, rounded per rate
 *  7. total         = net + Σ taxes
 */

/** Largest amount accepted anywhere: 10^13 minor units (a hundred billion in a 2-decimal currency). */
export const MAX_AMOUNT = 10_000_000_000_000;

export interface PricedLine {
  quantity: number;
  unitPrice: number;
  discountPercent: number;
  taxRate: number;
}

export interface TaxLine {
  rate: number;
  base: number;
  amount: number;
}

export interface Totals {
  /** Σ quantity × unit price, before any discount. */
  gross: number;
  /** Σ line discounts. */
  lineDiscounts: number;
  /** After line discounts, before the whole-deal discount. */
  subtotal: number;
  /** The whole-deal (whole-quote) discount. */
  discount: number;
  /** subtotal − discount: the amount before tax. */
  net: number;
  taxes: TaxLine[];
  total: number;
}

export interface LineTotals {
  gross: number;
  discount: number;
  net: number;
}

/** Integer division rounded half away from zero. */
export function roundDiv(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (n * 2n + d) / (d * 2n);
  return negative ? -q : q;
}

/** A decimal number as an integer count of 10^-digits (1.005 with 3 digits → 1005), exactly. */
export function scaled(value: number, digits: number): bigint {
  return BigInt(Math.round(Number(`${value}e${digits}`)));
}

const QTY_DIGITS = 3;
const PCT_DIGITS = 2;
const RATE_DIGITS = 3;

export function lineTotals(line: PricedLine): LineTotals {
  const gross = roundDiv(
    scaled(line.quantity, QTY_DIGITS) * BigInt(line.unitPrice),
    10n ** BigInt(QTY_DIGITS),
  );
  const discount = roundDiv(
    gross * scaled(line.discountPercent, PCT_DIGITS),
    100n * 10n ** BigInt(PCT_DIGITS),
  );
  return { gross: Number(gross), discount: Number(discount), net: Number(gross - discount) };
}

/** Percentage of an amount, rounded once. Used for weighted amounts (probability) and discounts. */
export function percentOf(amount: number, percent: number): number {
  return Number(roundDiv(BigInt(amount) * scaled(percent, PCT_DIGITS), 100n * 10n ** BigInt(PCT_DIGITS)));
}

/**
 * Splits `total` across `weights` in proportion, so that the parts add up to `total` exactly
 * (largest remainder; ties go to the earlier weight).
 */
export function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const T = BigInt(total);
  const S = BigInt(sum);
  const parts = weights.map((w) => (T * BigInt(w)) / S);
  const remainders = weights.map((w, i) => ({ i, r: T * BigInt(w) - (parts[i] ?? 0n) * S }));
  let left = T - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left <= 0n) break;
    parts[i] = (parts[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return parts.map(Number);
}

export function computeTotals(lines: readonly PricedLine[], discountPercent = 0): Totals {
  let gross = 0;
  let lineDiscounts = 0;
  const byRate = new Map<number, number>();
  for (const line of lines) {
    const t = lineTotals(line);
    gross += t.gross;
    lineDiscounts += t.discount;
    byRate.set(line.taxRate, (byRate.get(line.taxRate) ?? 0) + t.net);
  }
  const subtotal = gross - lineDiscounts;
  const discount = percentOf(subtotal, discountPercent);
  const net = subtotal - discount;
  const rates = [...byRate.keys()].sort((a, b) => a - b);
  const shares = allocate(
    discount,
    rates.map((r) => byRate.get(r) ?? 0),
  );
  const taxes = rates.map((rate, i) => {
    const base = (byRate.get(rate) ?? 0) - (shares[i] ?? 0);
    const amount = Number(
      roundDiv(BigInt(base) * scaled(rate, RATE_DIGITS), 100n * 10n ** BigInt(RATE_DIGITS)),
    );
    return { rate, base, amount };
  });
  const total = net + taxes.reduce((a, t) => a + t.amount, 0);
  return { gross, lineDiscounts, subtotal, discount, net, taxes, total };
}
