import { NotFoundError } from '#domain/errors';
import { systemActor } from '#domain/events';
import { AWAITING_CUSTOMER, isPastValidity } from '#domain/quotes';
import { getDeal } from '#store/deals';
import { getQuoteAt, quotesPastValidity } from '#store/quotes';
import { systemClock } from './clock.ts';
import { transitionQuote } from './transitions.ts';

const BATCH = 100;
const later = (a: string, b: string) => (a > b ? a : b);

/**
 * Expires one quote: status `expired`, deal to `onQuoteExpired` when the pipeline sets one (while
 * the deal is open), `quote.expired`. False when there is nothing to expire (any more).
 */
function expireOne(dealId: string, quoteId: string, at: string): Promise<boolean> {
  return transitionQuote({
    action: 'expire',
    actor: systemActor('expiry'),
    read: async () => {
      const [quote, deal] = await Promise.all([getQuoteAt(dealId, quoteId), getDeal(dealId)]);
      if (!quote || !deal) throw new NotFoundError(`no quote ${quoteId}`);
      return { quote, deal };
    },
    // `at` is the job's clock (a test may run it ahead); the transition's own clock stamps the event.
    settle: ({ quote }, now) =>
      AWAITING_CUSTOMER.includes(quote.status) && isPastValidity(quote, later(at, now)) ? undefined : false,
    build: ({ quote }, clock) => ({
      quote: { ...quote, status: 'expired', updatedAt: clock.now },
      data: { validUntil: quote.validUntil },
      lossReason: 'expired',
      result: true,
    }),
    // The customer acted meanwhile: nothing to expire.
    onStateConflict: () => false,
  }).catch((error) => {
    if (error instanceof NotFoundError) return false;
    throw error;
  });
}

/**
 * Expires every quote past its validity (the end of its last day in the seller's time zone).
 * Idempotent: expired quotes leave the sparse index, so a second run finds nothing to do.
 */
export async function expireQuotes(options: { now?: string } = {}): Promise<{ expired: number }> {
  const now = options.now ?? systemClock().now;
  let expired = 0;
  let after: Record<string, unknown> | undefined;
  for (let round = 0; round < 50; round++) {
    const page = await quotesPastValidity(now, BATCH, after);
    const results = await Promise.all(page.items.map((q) => expireOne(q.dealId, q.quoteId, now)));
    expired += results.filter(Boolean).length;
    if (!page.next) break;
    after = page.next;
  }
  return { expired };
}
