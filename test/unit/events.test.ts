import { describe, expect, it } from 'vitest';
import { createDeal } from '#domain/deals';
import { customerActor, newEvent, planStageMove, systemActor, userActor } from '#domain/events';
import { buildPipelineDefinition, defaultPipelineInput } from '#domain/pipelines';
import type { Pipeline } from '#schemas/pipelines';

const now = '2026-11-23T10:00:00.000Z';
let counter = 0;
const clock = { now, newId: () => `01JD3M8ZP6V0Q6W9C2R4K5T${String(counter++).padStart(3, '0')}` };
const pipeline: Pipeline = {
  id: '01JD3M8ZP6V0Q6W9C2R4K5T7XY',
  ...buildPipelineDefinition(defaultPipelineInput()),
  isDefault: true,
  version: 1,
  createdAt: now,
  updatedAt: now,
};
const alice = { id: 'alice', email: 'a@x', name: 'Alice', manager: false };
const deal = createDeal(
  { name: 'Acme', amount: 1_000 },
  { ...clock, user: alice, pipeline, products: new Map(), repeat: false, defaultCurrency: 'EUR' },
);

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
