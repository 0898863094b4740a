import { type ChainReport, verifyChain } from '#domain/chain';
import type { DealEvent } from '#schemas/deals';
import type { Quote } from '#schemas/quotes';
import { listEvents } from '#store/deals';

/**
 * A quote's hash-chained history, read from the table only (no object storage): what the verify
 * route, the evidence bundle and the seal's certificate page use.
 */

/**
 * Every event of the deal (the chain needs all of a quote's, whatever their number), read
 * consistently: a chain checked or printed right after a transition includes that transition's event.
 */
export async function dealEvents(dealId: string): Promise<DealEvent[]> {
  const events: DealEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await listEvents(dealId, cursor, 200, { consistent: true });
    events.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return events.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function quoteChain(quote: Quote, events: readonly DealEvent[]): ChainReport {
  return verifyChain(events, quote.id, quote.chainHead);
}
