import type { Clock } from '#domain/deals';
import { newEvent, planStageMove } from '#domain/events';
import {
  assertTransition,
  dealMoveAfter,
  QUOTE_TRANSITIONS,
  type QuoteAction,
  QuoteStateError,
  type QuoteTransition,
} from '#domain/quotes';
import type { Deal, DealEvent, EventActor } from '#schemas/deals';
import type { Quote } from '#schemas/quotes';
import { VersionConflictError } from '#store/deals';
import { type QuoteWrite, saveQuote } from '#store/quotes';
import { systemClock } from './clock.ts';
import { countQuoteTransition } from './metrics.ts';
import { getPipeline } from './pipelines.ts';
import { done, lostRace, retryOnConflict } from './retry.ts';

/**
 * The one door every quote transition goes through (send, view, sign, request changes, decline,
 * expire, withdraw, revise; the rules of each are a row of QUOTE_TRANSITIONS in the domain):
 *
 * 1. read the quote and its deal;
 * 2. `settle`: an answer that needs no write (a retried identical answer, nothing to expire);
 * 3. check the move against the status machine (409, or 410 for an answer past its validity);
 * 4. `build` the quote after it, with one clock: one timestamp for the quote, its event and the
 *    deal's move;
 * 5. move the deal to the pipeline's stage under the one guard (dealMoveAfter: only an open deal
 *    moves; a closed one stays, and the event says so with `dealMoved: false`);
 * 6. write it all in one conditional transaction;
 * 7. on a lost race, read again and start over under the one retry policy (services/retry.ts):
 *    the deal changed under it, or, for a customer's answer, the quote did (the same answer
 *    replays). Any other lost race is the contract's 409, unless `onStateConflict` answers it.
 */

export interface Found {
  quote: Quote;
  deal: Deal;
}

export interface TransitionPlan<R> {
  /** The quote after the move (its status is the rule's `to`). */
  quote: Quote;
  /** The event's data, after the quote's id, number and version. */
  data?: Record<string, unknown>;
  /** A new quote written with it, on the condition that it does not exist (a revision's draft). */
  created?: Quote;
  /** The loss reason, when the deal moves to a lost stage. */
  lossReason?: string;
  link?: QuoteWrite['link'];
  /** Documents issued with it (the stored PDF at sending). */
  documents?: QuoteWrite['documents'];
  /** Written in the same transaction, on their own conditions (a spent one-time code). */
  also?: QuoteWrite['also'];
  /** What the caller answers once it is written. */
  result: R;
}

export interface TransitionRequest<R> {
  action: QuoteAction;
  actor: EventActor;
  read: () => Promise<Found>;
  settle?: (found: Found, now: string) => R | undefined | Promise<R | undefined>;
  build: (found: Found, clock: Clock) => TransitionPlan<R> | Promise<TransitionPlan<R>>;
  /** The answer when the quote's status changed under the write, instead of the 409. */
  onStateConflict?: (error: QuoteStateError) => R | Promise<R>;
}

/** The quote's own fields every quote event carries. */
export function quoteSummary(quote: Pick<Quote, 'id' | 'number' | 'version'>) {
  return { quoteId: quote.id, number: quote.number, version: quote.version };
}

export function transitionQuote<R>(request: TransitionRequest<R>): Promise<R> {
  const rule: QuoteTransition = QUOTE_TRANSITIONS[request.action];
  return retryOnConflict(async () => {
    const found = await request.read();
    const { quote, deal } = found;
    const clock = systemClock();
    const settled = await request.settle?.(found, clock.now);
    if (settled !== undefined) return done(settled);
    assertTransition(quote, request.action, clock.now);
    const plan = await request.build(found, clock);
    const event = newEvent(
      deal.id,
      rule.event,
      { ...quoteSummary(quote), ...plan.data },
      request.actor,
      clock,
    );
    const events: DealEvent[] = [event];
    let dealWrite: QuoteWrite['deal'];
    if (rule.stageHook) {
      const pipeline = await getPipeline(deal.pipelineId);
      const outcome = dealMoveAfter(deal, pipeline, rule.stageHook, plan.lossReason);
      if (outcome.kind === 'stays')
        Object.assign(event.data, { dealMoved: false, dealStatus: outcome.status });
      if (outcome.kind === 'move') {
        const moved = planStageMove(deal, outcome.move, pipeline, request.actor, clock);
        if (moved.events.length > 0) {
          dealWrite = { before: deal, after: moved.deal };
          events.push(...moved.events);
        }
      }
    }
    try {
      await saveQuote({
        before: quote,
        after: plan.quote,
        action: rule.verb,
        events,
        ...(rule.whileIn ? { from: rule.whileIn } : {}),
        ...(plan.created ? { created: plan.created } : {}),
        ...(dealWrite ? { deal: dealWrite } : {}),
        ...(plan.link ? { link: plan.link } : {}),
        ...(plan.documents ? { documents: plan.documents } : {}),
        ...(plan.also ? { also: plan.also } : {}),
      });
    } catch (error) {
      if (error instanceof VersionConflictError) return lostRace(error);
      if (!(error instanceof QuoteStateError)) throw error;
      if (rule.answer) return lostRace(error);
      if (request.onStateConflict) return done(await request.onStateConflict(error));
      throw error;
    }
    countQuoteTransition(request.action);
    return done(plan.result);
  });
}
