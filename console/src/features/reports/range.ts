/**
 * The dashboard's months: the period picker's bounds and the ranges each report is asked for. The
 * month arithmetic and the limit of one request are the API's own (`functions/domain/reports.ts`).
 */
import { addMonths, alignToPeriod, MAX_REPORT_MONTHS, monthOf, monthsBetween } from '#domain/reports';
import type { Locale } from '../../lib/format.ts';
import type { Period } from './api/reports.ts';

export const MONTHS_BACK = 24;
export const MONTHS_AHEAD = 12;

export function thisMonth(now = new Date()): string {
  return monthOf(now.toISOString());
}

export function bounds(now = new Date()): { min: string; max: string } {
  const current = thisMonth(now);
  return { min: addMonths(current, -MONTHS_BACK), max: addMonths(current, MONTHS_AHEAD) };
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * A range the API accepts in one request: inside the picker's bounds, `to` not before `from`, at
 * most 36 months once widened to whole periods. The side the user did not change gives way.
 */
export function clampRange(
  input: { from: string; to: string; period: Period },
  changed: 'from' | 'to',
  now = new Date(),
): { from: string; to: string } {
  const { min, max } = bounds(now);
  const within = (m: string, fallback: string) =>
    MONTH.test(m) ? (m < min ? min : m > max ? max : m) : fallback;
  let from = within(input.from, min);
  let to = within(input.to, max);
  if (to < from) {
    if (changed === 'from') to = from;
    else from = to;
  }
  const span = () => {
    const aligned = alignToPeriod(from, to, input.period);
    return monthsBetween(aligned.from, aligned.to).length;
  };
  while (span() > MAX_REPORT_MONTHS) {
    if (changed === 'from') to = addMonths(to, -1);
    else from = addMonths(from, 1);
  }
  return { from, to };
}

/** Won and lost deals count by closing month, never in the future: the range stops this month. */
export function closedRange(
  range: { from: string; to: string },
  now = new Date(),
): { from: string; to: string } {
  const current = thisMonth(now);
  const to = range.to > current ? current : range.to;
  return { from: range.from > to ? to : range.from, to };
}

const tags: Record<Locale, string> = { en: 'en-GB', fr: 'fr-FR' };

/** `2026-05` → "May 2026", `2026-Q2` → "Q2 2026" ("T2 2026" in French). */
export function periodLabel(label: string, locale: Locale): string {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(label);
  if (quarter) return `${locale === 'fr' ? 'T' : 'Q'}${quarter[2]} ${quarter[1]}`;
  const [y, m] = label.split('-').map(Number);
  if (!y || !m) return label;
  return new Intl.DateTimeFormat(tags[locale], { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, 1)),
  );
}
