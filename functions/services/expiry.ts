import { findStage } from '#domain/pipelines';
import { AWAITING_CUSTOMER, QuoteStateError } from '#domain/quotes';
import type { Deal } from '#schemas/deals';
import type { Quote } from '#schemas/quotes';
import { getDeal, VersionConflictError } from '#store/deals';
import { getQuoteAt, quotesPastValidity, saveQuote } from '#store/quotes';
import { systemClock } from './clock.ts';
import { newEvent, planStageMove } from './deals.ts';
import { getPipeline } from './pipelines.ts';

const BATCH = 100;
const MAX_ATTEMPTS = 3;

/** Expires one quote: status `expired`, deal to `onQuoteExpired` when the pipeline sets one, `quote.expired`. */
async function expireOne(dealId: string, quoteId: string): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const [quote, deal] = await Promise.all([getQuoteAt(dealId, quoteId), getDeal(dealId)]);
    if (!quote || !deal || !AWAITING_CUSTOMER.includes(quote.status)) return false;
    const clock = systemClock();
    if (quote.validUntil >= clock.now.slice(0, 10)) return false;
    const actor = { type: 'system' as const, name: 'expiry' };
    const expired: Quote = { ...quote, status: 'expired', updatedAt: clock.now };
    const pipeline = await getPipeline(deal.pipelineId);
    const target = pipeline.onQuoteExpired ? findStage(pipeline, pipeline.onQuoteExpired) : undefined;
    let move: { before: Deal; after: Deal } | undefined;
    const events = [
      newEvent(
        deal.id,
        'quote.expired',
        { quoteId, number: quote.number, version: quote.version, validUntil: quote.validUntil },
        actor,
        clock,
      ),
    ];
    if (target && deal.status === 'open') {
      const lossReason = target.kind === 'lost' ? 'expired' : undefined;
      const planned = planStageMove(
        deal,
        { stageId: target.id, ...(lossReason ? { lossReason } : {}) },
        pipeline,
        actor,
        clock,
      );
      if (planned.events.length > 0) {
        move = { before: deal, after: planned.deal };
        events.push(...planned.events);
      }
    }
    try {
      await saveQuote({
        before: quote,
        after: expired,
        from: AWAITING_CUSTOMER,
        events,
        ...(move ? { deal: move } : {}),
      });
      return true;
    } catch (error) {
      // The customer acted meanwhile: nothing to expire.
      if (error instanceof QuoteStateError) return false;
      if (!(error instanceof VersionConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
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
