import { readFileSync } from 'node:fs';
import path from 'node:path';
import type * as z from 'zod/mini';
import { currencyDigits, minorToDecimal } from '#contracts/currency';
import type { Locale as LocaleSchema } from '#schemas/common';

export type Locale = z.infer<typeof LocaleSchema>;
export type LocalizedText = Record<Locale, string>;

export const LOCALES = ['en', 'fr'] as const satisfies readonly Locale[];

/**
 * Every label a customer can see. The locale files must hold exactly these keys, so a label added
 * here without its translation fails at load time (and in the unit tests), not in front of a customer.
 */
export const LABEL_KEYS = [
  'quote',
  'quoteNumber',
  'version',
  'issueDate',
  'validUntil',
  'seller',
  'client',
  'attention',
  'vatNumber',
  'registration',
  'email',
  'phone',
  'website',
  'linesCaption',
  'lineNumber',
  'item',
  'quantity',
  'unitPrice',
  'lineDiscount',
  'taxRate',
  'lineNet',
  'subtotal',
  'discount',
  'net',
  'taxLine',
  'total',
  'taxBreakdown',
  'taxRateHeader',
  'taxBase',
  'taxAmount',
  'amountsIn',
  'validity',
  'terms',
  'page',
  'continued',
  'certificate',
  'certificateIntro',
  'signer',
  'signerEmail',
  'signedAt',
  'ipAddress',
  'userAgent',
  'signatureMethod',
  'methodTyped',
  'methodDrawn',
  'documentHash',
  'documentHashNote',
  'history',
  'chainHead',
  'chainHeadNote',
  'verifyAt',
  'eventTime',
  'eventType',
  'eventActor',
  'actorUser',
  'actorCustomer',
  'actorSystem',
  'eventQuoteCreated',
  'eventQuoteSent',
  'eventQuoteResent',
  'eventQuoteViewed',
  'eventQuoteSigned',
  'eventQuoteChangesRequested',
  'eventQuoteDeclined',
  'eventQuoteExpired',
  'eventQuoteWithdrawn',
  'eventEmailSent',
  'eventEmailFailed',
  'eventQuoteReminderSent',
  'eventQuoteLinkScanned',
  'eventQuoteCodeSent',
  'signerVerification',
  'verifiedByCode',
  'statusDraft',
  'statusSent',
  'statusViewed',
  'statusSigned',
  'statusChangesRequested',
  'statusDeclined',
  'statusExpired',
  'statusSuperseded',
  'statusWithdrawn',
] as const;

export type LabelKey = (typeof LABEL_KEYS)[number];
export type Labels = Record<LabelKey, string>;

/**
 * `en` prints as British English: day-month-year dates read unambiguously on both sides of the
 * Atlantic, and money looks the same as en-US ("€1,234.56").
 */
const INTL_LOCALES: Record<Locale, string> = { en: 'en-GB', fr: 'fr-FR' };

export function intlLocale(locale: Locale): string {
  return INTL_LOCALES[locale];
}

export function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}

/** Intl formatters are costly to build and rendering a 120-line quote formats hundreds of values. */
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(intlLocale(locale), options);
    numberFormats.set(key, format);
  }
  return format;
}

function dateFormat(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = dateFormats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(intlLocale(locale), options);
    dateFormats.set(key, format);
  }
  return format;
}

/**
 * Money for people: `formatMoney(123456, 'EUR', 'fr')` → "1 234,56 €" (with the narrow no-break
 * spaces ICU produces). The amount goes to Intl as a decimal string, so it is printed exactly.
 */
export function formatMoney(minor: number, currency: string, locale: Locale): string {
  const digits = currencyDigits(currency);
  return numberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(minorToDecimal(minor, digits));
}

/** Quantities: up to three decimals, as the schemas allow, and no trailing zeros. */
export function formatQuantity(value: number, locale: Locale): string {
  return numberFormat(locale, { maximumFractionDigits: 3 }).format(value);
}

/** `formatPercent(5.5, 'fr')` → "5,5 %"; takes a percentage (20), not a fraction (0.2). */
export function formatPercent(percent: number, locale: Locale): string {
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: 3 }).format(percent / 100);
}

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A date in words ("31 December 2026", "31 décembre 2026"). A calendar date (`2026-12-31`) prints
 * as written, whatever the time zone; a timestamp prints as the day it was in `timeZone`.
 */
export function formatDate(value: string, locale: Locale, timeZone = 'UTC'): string {
  const calendar = CALENDAR_DATE.test(value);
  const date = new Date(calendar ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a date: ${value}`);
  return dateFormat(locale, { dateStyle: 'long', timeZone: calendar ? 'UTC' : timeZone }).format(date);
}

/** A moment to the second, with its zone spelled out, for evidence ("31 December 2026, 14:03:07 UTC"). */
export function formatDateTime(value: string, locale: Locale, timeZone = 'UTC'): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a timestamp: ${value}`);
  return dateFormat(locale, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZone,
    timeZoneName: 'short',
  }).format(date);
}

/**
 * Fills `{name}` placeholders of a label. Unknown placeholders stay as they are, so a typo in a
 * locale file shows up in the output instead of silently vanishing.
 */
export function fill(label: string, values: Record<string, string | number>): string {
  return label.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined ? whole : String(value);
  });
}

/** The `{name}` placeholders a label uses, to check that translations keep them. */
export function placeholders(label: string): string[] {
  return [...label.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

export class LabelsError extends Error {}

/** Checks a parsed locale file: exactly the known keys, each a non-empty string. */
export function parseLabels(raw: unknown, source: string): Labels {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new LabelsError(`${source}: expected an object of labels`);
  }
  const entries = raw as Record<string, unknown>;
  const known = new Set<string>(LABEL_KEYS);
  const unknown = Object.keys(entries).filter((key) => !known.has(key));
  const missing = LABEL_KEYS.filter((key) => typeof entries[key] !== 'string' || entries[key] === '');
  if (unknown.length > 0 || missing.length > 0) {
    throw new LabelsError(
      `${source}: ${[
        missing.length > 0 ? `missing or empty labels: ${missing.join(', ')}` : '',
        unknown.length > 0 ? `unknown labels: ${unknown.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ')}`,
    );
  }
  return Object.fromEntries(LABEL_KEYS.map((key) => [key, entries[key]])) as Labels;
}

/** Reads `locales/<locale>.json` of a templates directory. */
export function loadLabels(templatesDir: string, locale: Locale): Labels {
  const file = path.join(templatesDir, 'locales', `${locale}.json`);
  return parseLabels(JSON.parse(readFileSync(file, 'utf8')), file);
}
