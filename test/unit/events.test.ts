import { describe, expect, it } from 'vitest';
import { createDeal } from '#domain/deals';
import { customerActor, newEvent, planStageMove, systemActor, userActor } from '#domain/events';
import { alice, clock, dealContext, now, pipeline } from '#test/domain';

const deal = createDeal({ name: 'Acme', amount: 1_000 }, dealContext);

describe('newEvent', () => {
  it('stamps the clock time and a fresh id', () => {
    const a = newEvent('d1', 'deal.comment', { text: 'hi' }, userActor(alice), clock);
    const b = newEvent('d1', 'deal.comment', { text: 'hi' }, userActor(alice), clock);
    expect(a).toMatchObject({ dealId: 'd1', at: now, type: 'deal.comment', data: { text: 'hi' } });
    expect(a.id).not.toBe(b.id);
  });

  it('names who acted: a rep, a customer, the system', () => {
    expect(userActor(alice)).toEqual({ type: 'user', id: 'alice', name: 'Alice' });
    expect(customerActor()).toEqual({ type: 'customer' });
    expect(customerActor('Jeanne')).toEqual({ type: 'customer', name: 'Jeanne' });
    expect(systemActor('expiry')).toEqual({ type: 'system', name: 'expiry' });
  });
});

describe('planStageMove', () => {
  it('moves the deal to its next version with one stage_changed event', () => {
    const moved = planStageMove(
      deal,
      { stageId: 'closed-lost', lossReason: 'price' },
      pipeline,
      customerActor(),
      clock,
    );
    expect(moved.deal).toMatchObject({
      stageId: 'closed-lost',
      status: 'lost',
      lossReason: 'price',
      version: deal.version + 1,
    });
    expect(moved.events).toHaveLength(1);
    expect(moved.events[0]).toMatchObject({
      type: 'deal.stage_changed',
      at: now,
      actor: { type: 'customer' },
      data: {
        from: { id: deal.stageId },
        to: { id: 'closed-lost', kind: 'lost' },
        status: { from: 'open', to: 'lost' },
        lossReason: 'price',
      },
    });
  });

  it('plans nothing when the deal is already there', () => {
    const same = planStageMove(deal, { stageId: deal.stageId }, pipeline, userActor(alice), clock);
    expect(same).toEqual({ deal, events: [] });
  });
});
