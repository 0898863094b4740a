/**
 * Currency digits: how many decimals a currency's minor unit has (EUR 2, JPY 0, BHD 3), per ISO
 * 4217 as ICU knows it, and the exact decimal writing of an amount in minor units. The renderers,
 * the CSV export and the import all count decimals this one way.
 */
const digitsByCurrency = new Map<string, number>();

export function currencyDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
    digitsByCurrency.set(currency, digits);
  }
  return digits;
}

/** An integer count of minor units as an exact decimal string ("123456", 2 → "1234.56"), no float on the way. */
export function minorToDecimal(minor: number, digits: number): `${number}` {
  if (!Number.isSafeInteger(minor))
    throw new RangeError(`amount must be an integer of minor units, got ${minor}`);
  const negative = minor < 0;
  const units = String(Math.abs(minor));
  if (digits === 0) return `${negative ? '-' : ''}${units}` as `${number}`;
  const padded = units.padStart(digits + 1, '0');
  return `${negative ? '-' : ''}${padded.slice(0, -digits)}.${padded.slice(-digits)}` as `${number}`;
}
