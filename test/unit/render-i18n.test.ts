import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { currencyDigits } from '#contracts/currency';
import { loadEmailStrings } from '#render/email';
import {
  formatDate,
  formatDateTime,
  formatMoney,
  formatPercent,
  formatQuantity,
  LABEL_KEYS,
  LabelsError,
  LOCALES,
  loadLabels,
  parseLabels,
  placeholders,
} from '#render/i18n';
import { templatesDir } from '#render/paths';

const NNBSP = '\u202f';
const NBSP = '\u00a0';

function flatten(value: unknown, prefix = ''): Record<string, string> {
  if (typeof value === 'string') return { [prefix]: value };
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).flatMap(([key, v]) =>
      Object.entries(flatten(v, prefix === '' ? key : `${prefix}.${key}`)),
    ),
  );
}

/** Both `{name}` (labels) and `{{name}}` (emails). */
function names(text: string): string[] {
  return [...text.matchAll(/\{\{?\s*(\w+)\s*\}?\}/g)].map((m) => m[1] ?? '').sort();
}

describe('formatMoney', () => {
  it('formats euros in French with the narrow no-break spaces Intl produces', () => {
    // Arrange
    const minor = 123_456;

    // Act
    const text = formatMoney(minor, 'EUR', 'fr');

    // Assert
    expect(text).toBe(`1${NNBSP}234,56${NBSP}€`);
  });

  it('formats euros in English with the symbol first', () => {
    expect(formatMoney(123_456, 'EUR', 'en')).toBe('€1,234.56');
  });

  it("uses the currency's minor unit (0 digits for JPY, 3 for BHD)", () => {
    // Arrange
    const cases = [
      { currency: 'JPY', minor: 1_235, digits: 0 },
      { currency: 'BHD', minor: 1_235, digits: 3 },
    ];

    // Act
    const results = cases.map((c) => ({
      digits: currencyDigits(c.currency),
      text: formatMoney(c.minor, c.currency, 'en'),
    }));

    // Assert
    expect(results[0]?.digits).toBe(0);
    expect(results[0]?.text).toMatch(/1,235$/);
    expect(results[1]?.digits).toBe(3);
    expect(results[1]?.text).toMatch(/1\.235$/);
  });

  it('prints the largest amount exactly, without floating-point drift', () => {
    expect(formatMoney(9_999_999_999_999, 'EUR', 'en')).toBe('€99,999,999,999.99');
    expect(formatMoney(1, 'EUR', 'en')).toBe('€0.01');
  });

  it('prints negative amounts (discounts) with a sign', () => {
    expect(formatMoney(-28_049, 'EUR', 'en')).toBe('-€280.49');
  });
});

describe('formatPercent, formatQuantity', () => {
  it('formats rates per locale, keeping up to three decimals', () => {
    // CLDR has moved between the two no-break spaces here across ICU versions.
    expect(formatPercent(5.5, 'fr')).toMatch(/^5,5[\u00a0\u202f]%$/);
    expect(formatPercent(5.5, 'en')).toBe('5.5%');
    expect(formatPercent(19.625, 'en')).toBe('19.625%');
  });

  it('formats quantities with the locale decimal separator', () => {
    expect(formatQuantity(1.5, 'fr')).toBe('1,5');
    expect(formatQuantity(1234.125, 'en')).toBe('1,234.125');
  });
});

describe('formatDate', () => {
  it('prints a calendar date as written, whatever the time zone', () => {
    expect(formatDate('2026-12-31', 'fr', 'Pacific/Kiritimati')).toBe('31 décembre 2026');
    expect(formatDate('2026-12-31', 'en', 'America/Los_Angeles')).toBe('31 December 2026');
  });

  it("prints a timestamp as the day it was in the seller's time zone", () => {
    expect(formatDate('2026-12-31T23:30:00Z', 'en', 'Europe/Paris')).toBe('1 January 2027');
    expect(formatDate('2026-12-31T23:30:00Z', 'en', 'UTC')).toBe('31 December 2026');
  });

  it('prints a moment to the second with its zone', () => {
    expect(formatDateTime('2026-11-22T08:15:07Z', 'en', 'UTC')).toBe('22 November 2026 at 08:15:07 UTC');
  });
});

describe('labels', () => {
  it('has every label in both locales, non-empty, with the same placeholders', () => {
    // Arrange
    const files = LOCALES.map((locale) => ({
      locale,
      labels: JSON.parse(
        readFileSync(path.join(templatesDir(), 'locales', `${locale}.json`), 'utf8'),
      ) as Record<string, string>,
    }));

    // Act
    const keySets = files.map((f) => Object.keys(f.labels).sort());

    // Assert
    for (const keys of keySets) expect(keys).toEqual([...LABEL_KEYS].sort());
    for (const key of LABEL_KEYS) {
      const [en, fr] = files.map((f) => f.labels[key] ?? '');
      expect(en, `en.${key}`).not.toBe('');
      expect(fr, `fr.${key}`).not.toBe('');
      expect(placeholders(fr ?? ''), `placeholders of ${key}`).toEqual(placeholders(en ?? ''));
    }
  });

  it('loads both locale files through the checked loader', () => {
    expect(() => LOCALES.map((locale) => loadLabels(templatesDir(), locale))).not.toThrow();
  });

  it('rejects a locale file with a missing or an unknown label', () => {
    // Arrange
    const complete = Object.fromEntries(LABEL_KEYS.map((key) => [key, key]));
    const { quote: _dropped, ...missing } = complete;

    // Act / Assert
    expect(() => parseLabels(missing, 'xx.json')).toThrow(LabelsError);
    expect(() => parseLabels({ ...complete, qoute: 'typo' }, 'xx.json')).toThrow(/unknown labels: qoute/);
  });

  it('has the same email strings and placeholders in both locales', () => {
    // Arrange
    const [en, fr] = LOCALES.map((locale) => flatten(loadEmailStrings(templatesDir(), locale)));

    // Act
    const enKeys = Object.keys(en ?? {}).sort();
    const frKeys = Object.keys(fr ?? {}).sort();

    // Assert
    expect(frKeys).toEqual(enKeys);
    for (const key of enKeys) expect(names(fr?.[key] ?? ''), key).toEqual(names(en?.[key] ?? ''));
  });
});
