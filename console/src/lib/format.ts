/** Numbers, money and dates for the reader's locale, through Intl. Money is integer minor units. */
export type Locale = 'en' | 'fr';

const tags: Record<Locale, string> = { en: 'en-GB', fr: 'fr-FR' };
const cache = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(tags[locale], options);
    cache.set(key, format);
  }
  return format;
}

/** The currency's minor digits (EUR 2, JPY 0, BHD 3), as Intl knows them. */
export function minorDigits(currency: string): number {
  try {
    return numberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function formatMoney(minor: number, currency: string, locale: Locale): string {
  const digits = minorDigits(currency);
  try {
    return numberFormat(locale, { style: 'currency', currency }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
  }
}

export function formatNumber(value: number, locale: Locale, maximumFractionDigits = 3): string {
  return numberFormat(locale, { maximumFractionDigits }).format(value);
}

export function formatPercent(value: number, locale: Locale): string {
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(value / 100);
}

/** `2026-12-31` (a calendar date, no time zone) as the reader writes dates. */
export function formatDate(iso: string, locale: Locale): string {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  if (!y || !m || !d) return iso;
  return new Intl.DateTimeFormat(tags[locale], { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

export function formatDateTime(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(tags[locale], { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

/**
 * A decimal amount typed by the user ("1 234,50" or "1234.5") as minor units, or undefined when it
 * is not a number with at most the currency's decimals.
 */
export function parseMoney(text: string, currency: string): number | undefined {
  const cleaned = text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return undefined;
  const digits = minorDigits(currency);
  const [whole = '0', fraction = ''] = cleaned.split('.');
  if (fraction.length > digits) return undefined;
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

/** Minor units as the plain decimal an input shows ("1234.50"). */
export function moneyInput(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
}

/** A decimal number typed in either locale ("2,5"), or undefined. */
export function parseDecimal(text: string): number | undefined {
  const cleaned = text.trim().replace(',', '.');
  if (cleaned === '' || !/^-?\d+(\.\d+)?$/.test(cleaned)) return undefined;
  return Number(cleaned);
}

/** Today as an ISO date (UTC), for comparisons with close dates. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
