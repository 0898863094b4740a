import type { Quote } from '#schemas/quotes';
import { AWAITING_CUSTOMER, sellerTimeZone, type Validity, validityEndsAt } from './quotes.ts';
import { addDays, isWeekend, localDate, zonedTime } from './zoned.ts';

/**
 * Automatic reminders to the customer. The rule is pure: from the quote as it is (status, when it
 * was sent, seen by a person, last reminded, its validity and the seller's time zone) it says when
 * the next reminder is due. The store writes that instant on the quote item (a sparse index the
 * `deliver` job queries), so every write of the quote, through whatever door, keeps it true: an
 * answer, a withdrawal, a revision or the expiry takes the quote out of the statuses that remind,
 * and the instant disappears with them.
 */

export interface ReminderSettings {
  /** Remind when the quote was not opened (by a person) this many days after sending; 0: never. */
  notOpenedDays: number;
  /** Remind when it was opened but not answered this many days after; 0: never. */
  notAnsweredDays: number;
  /** Remind this many days before its last valid day; 0: never. */
  beforeExpiryDays: number;
  /** At most this many automatic reminders per quote (the rep's own are not counted). */
  max: number;
}

/**
 * What a sales team would pick: a nudge three days after sending when nobody opened it, four days
 * after they looked without answering, two days before it expires, and never more than three.
 */
export const DEFAULT_REMINDERS: ReminderSettings = {
  notOpenedDays: 3,
  notAnsweredDays: 4,
  beforeExpiryDays: 2,
  max: 3,
};

/** Reminders go out from 09:00 to 18:00 on working days, in the seller's time zone. */
export const REMINDER_HOURS = { from: 9, to: 18 } as const;

/** The rep's own reminder (`POST /quotes/{id}/remind`): at most one per hour per quote. */
export const MANUAL_REMINDER_GAP_MS = 60 * 60 * 1000;

export type ReminderKind = 'not_opened' | 'not_answered' | 'before_expiry';

export interface ReminderState extends ReminderSettings {
  /** Automatic reminders sent so far. */
  sent: number;
  /** Every reminder so far, the rep's included (also the write condition of the next one). */
  count: number;
  /** The last reminder, automatic or the rep's. */
  lastAt?: string;
  /** The rep's last reminder. */
  manualAt?: string;
  beforeExpirySent?: boolean;
  /** The job found a reminder due outside working hours: nothing goes out before this. */
  notBefore?: string;
  /** Derived on every write (see nextReminder): when the next one is due, and which. */
  nextAt?: string;
  nextKind?: ReminderKind;
}

export function reminderState(settings: ReminderSettings): ReminderState {
  return { ...settings, sent: 0, count: 0 };
}

type Remindable = Pick<Quote, 'status' | 'sentAt' | 'viewedAt'> &
  Validity & {
    reminders?: ReminderState | undefined;
  };

const DAY_MS = 24 * 60 * 60 * 1000;
const later = (a: string, b: string) => (a > b ? a : b);

function workingDay(date: string, step: 1 | -1): string {
  let day = date;
  while (isWeekend(day)) day = addDays(day, step);
  return day;
}

/** The next reminder of a quote, or undefined when none is due any more. */
export function nextReminder(quote: Remindable): { at: string; kind: ReminderKind } | undefined {
  const r = quote.reminders;
  if (!r || !quote.sentAt || !AWAITING_CUSTOMER.includes(quote.status) || r.sent >= r.max) return undefined;
  const zone = sellerTimeZone(quote);
  const morning = (date: string) => zonedTime(date, zone, REMINDER_HOURS.from);
  const last = r.lastAt ? later(r.lastAt, quote.sentAt) : quote.sentAt;
  const candidates: { at: string; kind: ReminderKind }[] = [];
  if (quote.status === 'sent' && r.notOpenedDays > 0) {
    const day = addDays(localDate(last, zone), r.notOpenedDays);
    candidates.push({ kind: 'not_opened', at: morning(workingDay(day, 1)) });
  }
  if (quote.status === 'viewed' && r.notAnsweredDays > 0) {
    const anchor = quote.viewedAt ? later(quote.viewedAt, last) : last;
    const day = addDays(localDate(anchor, zone), r.notAnsweredDays);
    candidates.push({ kind: 'not_answered', at: morning(workingDay(day, 1)) });
  }
  if (r.beforeExpiryDays > 0 && !r.beforeExpirySent) {
    // A weekend moves it earlier (to the Friday), so that it still comes before the end.
    const at = morning(workingDay(addDays(quote.validUntil, -r.beforeExpiryDays), -1));
    // Never within a day of the last email the customer got (the quote itself, or a reminder).
    if (Date.parse(at) >= Date.parse(last) + DAY_MS) candidates.push({ kind: 'before_expiry', at });
  }
  const end = validityEndsAt(quote);
  const due = candidates
    .map((c) => (r.notBefore && c.at < r.notBefore ? { ...c, at: r.notBefore } : c))
    .filter((c) => c.at < end)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return due[0];
}

/** The quote with its next reminder written down (what the store indexes). */
export function withNextReminder<Q extends Remindable>(quote: Q): Q {
  if (!quote.reminders) return quote;
  const { nextAt: _at, nextKind: _kind, ...rest } = quote.reminders;
  const next = nextReminder(quote);
  return { ...quote, reminders: { ...rest, ...(next ? { nextAt: next.at, nextKind: next.kind } : {}) } };
}

/**
 * Whether a reminder may go out at `now` (a working day, working hours, in the seller's time zone);
 * when not, the first moment it may.
 */
export function reminderWindow(
  now: string,
  timeZone: string,
): { open: true } | { open: false; from: string } {
  const today = localDate(now, timeZone);
  const opens = zonedTime(today, timeZone, REMINDER_HOURS.from);
  const closes = zonedTime(today, timeZone, REMINDER_HOURS.to);
  if (!isWeekend(today) && now >= opens && now < closes) return { open: true };
  const day = !isWeekend(today) && now < opens ? today : workingDay(addDays(today, 1), 1);
  return { open: false, from: zonedTime(day, timeZone, REMINDER_HOURS.from) };
}

/** The reminder settings of a send: the quote's own over the pipeline's over the defaults. */
export function reminderSettings(
  pipeline: Partial<ReminderSettings> | undefined,
  override: Partial<ReminderSettings> | undefined,
): ReminderSettings {
  return { ...DEFAULT_REMINDERS, ...pipeline, ...override };
}
