import type { DealEvent } from '../../lib/api-client.ts';
import type { Quote, QuoteStatus } from './api/quotes.ts';

/** The chip's tone for each status (the label always says the status; colour only repeats it). */
export const STATUS_TONE: Record<
  QuoteStatus,
  'neutral' | 'info' | 'progress' | 'won' | 'warn' | 'lost' | 'muted'
> = {
  draft: 'neutral',
  sent: 'info',
  viewed: 'progress',
  signed: 'won',
  changes_requested: 'warn',
  declined: 'lost',
  expired: 'muted',
  withdrawn: 'muted',
  superseded: 'muted',
};

/** When the customer answered: signed, asked for changes or declined. */
export function answeredAt(quote: Quote): string | undefined {
  return quote.signedAt ?? quote.decline?.at ?? quote.changeRequests.at(-1)?.at;
}

export const waitsForCustomer = (quote: Pick<Quote, 'status'>) =>
  quote.status === 'sent' || quote.status === 'viewed';

/**
 * The undelivered email of each quote: the latest `email.failed` of the quote's own email with no
 * later send, resend or delivery of it. Read from the deal's timeline (the one log).
 */
export function emailFailures(events: DealEvent[]): Map<string, { to: string; at: string }> {
  const failures = new Map<string, { to: string; at: string }>();
  const settled = new Set<string>();
  // Newest first: the first word about a quote's email decides.
  for (const event of events) {
    const data = event.data as Record<string, unknown>;
    const quoteId = typeof data.quoteId === 'string' ? data.quoteId : undefined;
    if (!quoteId || settled.has(quoteId)) continue;
    const isQuoteEmail = data.kind === 'quote';
    if (event.type === 'email.failed' && isQuoteEmail) {
      failures.set(quoteId, { to: String(data.to ?? ''), at: event.at });
      settled.add(quoteId);
    } else if (
      event.type === 'quote.resent' ||
      event.type === 'quote.sent' ||
      (event.type === 'email.sent' && isQuoteEmail)
    ) {
      settled.add(quoteId);
    }
  }
  return failures;
}
