import { NotFoundError } from '#domain/errors';
import { customerActor, newEvent } from '#domain/events';
import { AWAITING_CUSTOMER, effectiveStatus, QuoteStateError } from '#domain/quotes';
import { hashToken, isTokenShaped } from '#domain/tokens';
import type { Deal } from '#schemas/deals';
import type { Quote } from '#schemas/quotes';
import { getDeal } from '#store/deals';
import { getLink, getQuoteAt, saveQuote } from '#store/quotes';
import { systemClock } from './clock.ts';
import { quoteSummary, transitionQuote } from './transitions.ts';

/** A customer's link: the quote it opens, and the view it records. */

export interface Visitor {
  ip: string;
  userAgent: string;
}

/** Resolves a capability token by lookup of its hash. Unknown or malformed: 404, nothing revealed. */
export async function resolveToken(token: string): Promise<{ quote: Quote; deal: Deal }> {
  if (!isTokenShaped(token)) throw new NotFoundError('this link is not valid');
  const link = await getLink(hashToken(token));
  if (!link) throw new NotFoundError('this link is not valid');
  const [quote, deal] = await Promise.all([getQuoteAt(link.dealId, link.quoteId), getDeal(link.dealId)]);
  if (!quote || !deal) throw new NotFoundError('this link is not valid');
  return { quote, deal };
}

/**
 * The first view moves the quote to `viewed` and writes `quote.viewed` with `first: true` (the rep
 * is notified once); later views while it waits for the customer land on the timeline only.
 */
export function recordView(token: string, visitor: Visitor): Promise<{ quote: Quote; deal: Deal }> {
  const seen = { ip: visitor.ip, userAgent: visitor.userAgent };
  return transitionQuote({
    action: 'view',
    actor: customerActor(),
    read: () => resolveToken(token),
    settle: async (found, now) => {
      if (!AWAITING_CUSTOMER.includes(effectiveStatus(found.quote, now))) return found;
      if (found.quote.status === 'sent') return undefined;
      const { quote, deal } = found;
      const clock = systemClock();
      const event = newEvent(
        deal.id,
        'quote.viewed',
        { ...quoteSummary(quote), first: false, ...seen },
        customerActor(),
        clock,
      );
      // Through the quote's write all the same: the view extends the quote's event chain.
      try {
        await saveQuote({ before: quote, after: quote, events: [event] });
      } catch (error) {
        if (error instanceof QuoteStateError) return resolveToken(token);
        throw error;
      }
      return found;
    },
    build: ({ quote, deal }, clock) => {
      const viewed: Quote = { ...quote, status: 'viewed', viewedAt: clock.now, updatedAt: clock.now };
      return { quote: viewed, data: { first: true, ...seen }, result: { quote: viewed, deal } };
    },
    // Another tab recorded the first view, or the customer acted meanwhile: show what is there now.
    onStateConflict: () => resolveToken(token),
  });
}
