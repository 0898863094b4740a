import type { User } from '#contracts/actor';
import { TooManyRequestsError } from '#domain/errors';
import { newEvent, systemActor, userActor } from '#domain/events';
import {
  AWAITING_CUSTOMER,
  effectiveStatus,
  isPastValidity,
  QuoteStateError,
  sellerTimeZone,
} from '#domain/quotes';
import {
  MANUAL_REMINDER_GAP_MS,
  nextReminder,
  type ReminderKind,
  type ReminderState,
  reminderState,
  reminderWindow,
} from '#domain/reminders';
import type { EventActor } from '#schemas/deals';
import type { RemindInput } from '#schemas/follow-through';
import type { Quote } from '#schemas/quotes';
import { VersionConflictError } from '#store/deals';
import { getLinkSeal, getQuoteAt, quotesToRemind, saveQuote } from '#store/quotes';
import { rememberUser } from '#store/users';
import { newId, systemClock } from './clock.ts';
import { getQuoteFor } from './quotes.ts';
import { done, lostRace, retryOnConflict } from './retry.ts';
import { quoteSummary } from './transitions.ts';

/**
 * Reminders to the customer. `quote.reminder_sent` (with the link's sealed token, as a resend) is
 * the outbox entry `notify` turns into the email, retried like any other, with `email.sent` /
 * `email.failed`; it is written with the quote's reminder count in one conditional transaction, so
 * of two runs (or a run and the rep) only one reminds. The quote's status never changes here.
 */

const reminderActor = systemActor('reminders');

/** Writes one reminder: the quote's new reminder state and the outbox event, or a lost race. */
async function writeReminder(
  quote: Quote,
  reminders: ReminderState,
  data: { kind: ReminderKind | 'manual'; message?: string },
  actor: EventActor,
  now: string,
): Promise<void> {
  const sealedToken = await getLinkSeal(quote.dealId, quote.id);
  if (!sealedToken) throw new QuoteStateError(quote.status, 'reminded');
  const event = newEvent(
    quote.dealId,
    'quote.reminder_sent',
    {
      ...quoteSummary(quote),
      kind: data.kind,
      to: quote.recipient.email,
      ...(data.message ? { message: data.message } : {}),
      ...(data.kind === 'manual' ? {} : { automatic: reminders.sent }),
      sealedToken,
    },
    actor,
    { now, newId },
  );
  await saveQuote({
    before: quote,
    after: { ...quote, reminders },
    events: [event],
    from: AWAITING_CUSTOMER,
    action: 'reminded',
  });
}

export type ReminderResult = 'sent' | 'deferred' | 'skipped';

/** The job's work on one quote the index says is due: remind it, or set when it may be. */
async function remindOne(dealId: string, quoteId: string, now: string): Promise<ReminderResult> {
  const quote = await getQuoteAt(dealId, quoteId);
  const r = quote?.reminders;
  if (!quote || !r || isPastValidity(quote, now)) return 'skipped';
  const due = nextReminder(quote);
  if (!due || due.at > now) {
    // The index is older than the rule (settings changed, a lost write): write it again, derived.
    if (due?.at !== r.nextAt)
      await saveQuote({ before: quote, after: quote, events: [], from: AWAITING_CUSTOMER });
    return 'skipped';
  }
  const window = reminderWindow(now, sellerTimeZone(quote));
  if (!window.open) {
    // A late run (the job stopped over a weekend, or at night): never a reminder outside working hours.
    await saveQuote({
      before: quote,
      after: { ...quote, reminders: { ...r, notBefore: window.from } },
      events: [],
      from: AWAITING_CUSTOMER,
    });
    return 'deferred';
  }
  const { notBefore: _notBefore, ...rest } = r;
  await writeReminder(
    quote,
    {
      ...rest,
      sent: r.sent + 1,
      count: r.count + 1,
      lastAt: now,
      ...(due.kind === 'before_expiry' ? { beforeExpirySent: true } : {}),
    },
    { kind: due.kind },
    reminderActor,
    now,
  );
  return 'sent';
}

/**
 * Sends every reminder due at `now` (the `deliver` job runs it every minute in the cloud and every
 * DELIVER_EVERY_SECONDS locally; tests pass a fake clock). One quote failing never stops the others.
 */
export async function runDueReminders(
  options: {
    now?: string;
    budgetMs?: number;
    /** Remind only these quotes (tests run the job beside others' quotes; operators retry one). */
    onlyQuotes?: readonly string[];
  } = {},
): Promise<Record<ReminderResult | 'failed', number>> {
  const now = options.now ?? systemClock().now;
  const stopAt = Date.now() + (options.budgetMs ?? 20_000);
  const counts = { sent: 0, deferred: 0, skipped: 0, failed: 0 };
  let after: Record<string, unknown> | undefined;
  do {
    const page = await quotesToRemind(now, 50, after);
    for (const { dealId, quoteId } of page.items) {
      if (options.onlyQuotes && !options.onlyQuotes.includes(quoteId)) continue;
      try {
        counts[await remindOne(dealId, quoteId, now)]++;
      } catch (error) {
        // A lost race (the customer answered, the rep reminded): the next run reads it again.
        if (!(error instanceof QuoteStateError || error instanceof VersionConflictError)) throw error;
        counts.failed++;
      }
    }
    after = page.next;
  } while (after && Date.now() < stopAt);
  return counts;
}

/**
 * The rep's reminder now (`POST /quotes/{id}/remind`): the same email, with their message, at most
 * one per hour per quote (429 with the seconds to wait). It counts as the customer's last email for
 * the automatic schedule, but not against the automatic ones' maximum.
 */
export async function remindNow(
  id: string,
  input: RemindInput,
  user: User,
): Promise<{ status: Quote['status']; remindedAt: string; to: string }> {
  await rememberUser(user);
  return retryOnConflict(async () => {
    const { quote } = await getQuoteFor(id, user);
    const now = systemClock().now;
    const status = effectiveStatus(quote, now);
    if (!AWAITING_CUSTOMER.includes(status)) throw new QuoteStateError(status, 'reminded');
    // Quotes sent before reminders existed start a state with no automatic reminders.
    const r =
      quote.reminders ?? reminderState({ notOpenedDays: 0, notAnsweredDays: 0, beforeExpiryDays: 0, max: 0 });
    if (r.manualAt) {
      const wait = Date.parse(r.manualAt) + MANUAL_REMINDER_GAP_MS - Date.parse(now);
      if (wait > 0) {
        const retryAfterSeconds = Math.ceil(wait / 1000);
        throw new TooManyRequestsError(
          `this quote was reminded at ${r.manualAt}: one reminder per hour; try again in ${Math.ceil(wait / 60_000)} min`,
          { retryAfterSeconds, remindedAt: r.manualAt },
        );
      }
    }
    const { notBefore: _notBefore, ...rest } = r;
    try {
      await writeReminder(
        quote,
        { ...rest, count: r.count + 1, lastAt: now, manualAt: now },
        { kind: 'manual', ...(input.message ? { message: input.message } : {}) },
        userActor(user),
        now,
      );
    } catch (error) {
      if (error instanceof VersionConflictError) return lostRace(error);
      throw error;
    }
    return done({ status: quote.status, remindedAt: now, to: quote.recipient.email });
  });
}
