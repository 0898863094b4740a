import { NotFoundError } from '#domain/errors';
import { systemActor } from '#domain/events';
import { AWAITING_CUSTOMER, isPastValidity } from '#domain/quotes';
import { getDeal } from '#store/deals';
import { getQuoteAt, quotesPastValidity } from '#store/quotes';
import { systemClock } from './clock.ts';
import { transitionQuote } from './transitions.ts';

const BATCH = 100;

/**
 * Expires one quote: status `expired`, deal to `onQuoteExpired` when the pipeline sets one (while
 * the deal is open), `quote.expired`. False when there is nothing to expire (any more).
 */
function expireOne(dealId: string, quoteId: string): Promise<boolean> {
  return transitionQuote({
    action: 'expire',
    actor: systemActor('expiry'),
    read: async () => {
      const [quote, deal] = await Promise.all([getQuoteAt(dealId, quoteId), getDeal(dealId)]);
      if (!quote || !deal) throw new NotFoundError(`no quote ${quoteId}`);
      return { quote, deal };
    },
    settle: ({ quote }, now) =>
      AWAITING_CUSTOMER.includes(quote.status) && isPastValidity(quote, now) ? undefined : false,
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
 * Expires every quote past its validity date. Idempotent: expired quotes leave the sparse index,
 * so a second run finds nothing to do.
 */
export async function expireQuotes(): Promise<{ expired: number }> {
  const today = systemClock().now.slice(0, 10);
  let expired = 0;
  for (let round = 0; round < 50; round++) {
    const due = await quotesPastValidity(today, BATCH);
    if (due.length === 0) break;
    const results = await Promise.all(due.map((q) => expireOne(q.dealId, q.quoteId)));
    const changed = results.filter(Boolean).length;
    expired += changed;
    if (changed === 0 || due.length < BATCH) break;
  }
  return { expired };
}
