import { describe, expect, it } from 'vitest';
import {
  applyPatch,
  canAccess,
  createDeal,
  defaultCloseDate,
  mergeCustomFields,
  moveToStage,
  searchText,
} from '#domain/deals';
import { ForbiddenError, ValidationError } from '#domain/errors';
import { slugify } from '#domain/pipelines';
import { alice, dealContext, maya, now, pipeline } from '#test/domain';

const ctx = dealContext;

describe('createDeal', () => {
  it('defaults the close date to six weeks out and the probability to the stage', () => {
    const deal = createDeal({ name: 'A', stageId: 'presentation-scheduled', amount: 1_000 }, ctx);
    expect(deal.closeDate).toBe('2027-01-04');
    expect(deal.probability).toBe(60);
    expect(deal.weightedAmount).toBe(600);
    expect(deal.status).toBe('open');
  });

  it('takes the status and closedAt from a closing stage', () => {
    const deal = createDeal({ name: 'A', stageId: 'closed-won' }, ctx);
    expect(deal.status).toBe('won');
    expect(deal.closedAt).toBe(now);
  });

  it('refuses an amount together with lines', () => {
    expect(() =>
      createDeal({ name: 'A', amount: 5, lines: [{ name: 'x', quantity: 1, unitPrice: 1 }] }, ctx),
    ).toThrow(ValidationError);
  });

  it('refuses to create a deal for someone else unless a manager does', () => {
    expect(() => createDeal({ name: 'A', ownerId: 'bob' }, ctx)).toThrow(ForbiddenError);
    expect(createDeal({ name: 'A', ownerId: 'bob' }, { ...ctx, user: maya }).ownerId).toBe('bob');
  });

  it('drops the owner from the observers and de-duplicates them', () => {
    const deal = createDeal({ name: 'A', observerIds: ['bob', 'alice', 'bob'] }, ctx);
    expect(deal.observerIds).toEqual(['bob']);
  });
});

describe('stage rules', () => {
  it('moves to any stage, resetting the probability', () => {
    const deal = createDeal({ name: 'A', amount: 1_000 }, ctx);
    const { deal: moved } = moveToStage(deal, { stageId: 'contract-sent' }, pipeline, now);
    expect(moved.probability).toBe(90);
    expect(moved.weightedAmount).toBe(900);
  });

  it('requires a loss reason for a lost stage', () => {
    const deal = createDeal({ name: 'A' }, ctx);
    expect(() => moveToStage(deal, { stageId: 'closed-lost' }, pipeline, now)).toThrow(ValidationError);
    expect(
      moveToStage(deal, { stageId: 'closed-lost', lossReason: 'timing' }, pipeline, now).deal.lossReason,
    ).toBe('timing');
  });

  it('refuses a stage of another pipeline', () => {
    const deal = createDeal({ name: 'A' }, ctx);
    expect(() => moveToStage(deal, { stageId: 'elsewhere' }, pipeline, now)).toThrow(ValidationError);
  });
});

describe('applyPatch', () => {
  it('changes only the named fields and removes nulls', () => {
    const deal = createDeal({ name: 'A', source: 'web', competitor: 'X' }, ctx);
    const next = applyPatch(deal, { competitor: null, nextStep: 'Call' }, { user: alice, pipeline, now });
    expect(next).toMatchObject({ name: 'A', source: 'web', nextStep: 'Call' });
    expect(next.competitor).toBeUndefined();
  });

  it('recomputes the weighted amount after a probability change', () => {
    const deal = createDeal({ name: 'A', amount: 1_000 }, ctx);
    expect(applyPatch(deal, { probability: 55 }, { user: alice, pipeline, now }).weightedAmount).toBe(550);
  });

  it('refuses a loss reason on an open deal', () => {
    const deal = createDeal({ name: 'A' }, ctx);
    expect(() => applyPatch(deal, { lossReason: 'price' }, { user: alice, pipeline, now })).toThrow(
      ValidationError,
    );
  });
});

describe('mergeCustomFields', () => {
  const defs = [
    { key: 'seats', label: 'Seats', type: 'number' as const },
    { key: 'when', label: 'When', type: 'date' as const },
    { key: 'tier', label: 'Tier', type: 'select' as const, options: ['a', 'b'] },
    { key: 'note', label: 'Note', type: 'text' as const, required: true },
  ];

  it('accepts values of the declared types', () => {
    expect(
      mergeCustomFields(
        defs,
        {},
        { seats: 2, when: '2027-01-31', tier: 'a', note: 'hi' },
        { requireAll: true },
      ),
    ).toEqual({
      seats: 2,
      when: '2027-01-31',
      tier: 'a',
      note: 'hi',
    });
  });

  it('lists every wrong value', () => {
    try {
      mergeCustomFields(defs, {}, { seats: '2', when: '2027-02-31x', tier: 'c' }, { requireAll: true });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details).toHaveLength(4);
    }
  });
});

describe('access', () => {
  it('lets owners, observers and managers in, nobody else', () => {
    const deal = { ownerId: 'alice', observerIds: ['bob'] };
    expect(canAccess(deal, alice)).toBe(true);
    expect(canAccess(deal, { ...alice, id: 'bob' })).toBe(true);
    expect(canAccess(deal, { ...alice, id: 'carol' })).toBe(false);
    expect(canAccess(deal, { ...maya })).toBe(true);
  });
});

describe('helpers', () => {
  it('slugifies stage names', () => {
    expect(slugify("Qualifié pour l'achat")).toBe('qualifie-pour-l-achat');
  });

  it('folds accents and case for search', () => {
    expect(searchText({ name: 'Café Crème' })).toContain('cafe creme');
  });

  it('adds 42 days across a year end', () => {
    expect(defaultCloseDate('2026-12-15T23:00:00.000Z')).toBe('2027-01-26');
  });
});
