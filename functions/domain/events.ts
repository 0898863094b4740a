import type { User } from '#contracts/actor';
import type { Deal, DealEvent, EventActor, StageMove } from '#schemas/deals';
import type { Pipeline } from '#schemas/pipelines';
import { type Clock, moveToStage } from './deals.ts';
import { stageName } from './pipelines.ts';

/** Events of a deal's log (its timeline, the audit trail and the email outbox are this one log). */

export function userActor(user: User): EventActor {
  return { type: 'user', id: user.id, name: user.name };
}

export function customerActor(name?: string): EventActor {
  return { type: 'customer', ...(name ? { name } : {}) };
}

export function systemActor(name: string): EventActor {
  return { type: 'system', name };
}

/** An event at the clock's time, with a fresh id. */
export function newEvent(
  dealId: string,
  type: string,
  data: Record<string, unknown>,
  actor: EventActor,
  clock: Clock,
): DealEvent {
  return { id: clock.newId(), dealId, at: clock.now, actor, type, data };
}

/**
 * A stage move as data: the deal after it (next version) and its `deal.stage_changed` event, or
 * no events when the deal is already there. Callers write it in their own transaction.
 */
export function planStageMove(
  deal: Deal,
  move: StageMove,
  pipeline: Pipeline,
  actor: EventActor,
  clock: Clock,
): { deal: Deal; events: DealEvent[] } {
  if (move.stageId === deal.stageId && move.lossReason === deal.lossReason) return { deal, events: [] };
  const { deal: next, from, to } = moveToStage(deal, move, pipeline, clock.now);
  const event = newEvent(
    deal.id,
    'deal.stage_changed',
    {
      from: from ? { id: from.id, name: stageName(from, 'en'), kind: from.kind } : { id: deal.stageId },
      to: { id: to.id, name: stageName(to, 'en'), kind: to.kind },
      status: { from: deal.status, to: next.status },
      ...(next.lossReason ? { lossReason: next.lossReason } : {}),
    },
    actor,
    clock,
  );
  return { deal: { ...next, version: deal.version + 1 }, events: [event] };
}
