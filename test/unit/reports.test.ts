import { describe, expect, it } from 'vitest';
import { ValidationError } from '#domain/errors';
import {
  addMonths,
  alignToPeriod,
  type Bucket,
  bucketId,
  buildForecast,
  buildLossReasons,
  buildOwnersReport,
  buildPipelineReport,
  type Contribution,
  contributions,
  type DealChange,
  type DealFacts,
  delta,
  latestPerDeal,
  monthsBetween,
  periodBounds,
  periodOf,
  planChange,
  reportRange,
  sumContributions,
  tally,
  winRate,
} from '#domain/reports';

const open: DealFacts = {
  ownerId: 'ann',
  pipelineId: 'P',
  stageId: 'qualified',
  status: 'open',
  amount: 10_000,
  weightedAmount: 4_000,
  currency: 'EUR',
  closeDate: '2026-05-20',
};

/** Applies changes in order to an empty set of buckets, as the aggregates would. */
function applyAll(states: (DealFacts | undefined)[]): Map<string, Contribution> {
  const buckets = new Map<string, Contribution>();
  let previous: Contribution[] = [];
  for (const state of states) {
    const next = contributions(state);
    for (const c of delta(previous, next)) {
      const id = bucketId(c.bucket);
      const sum = buckets.get(id) ?? { bucket: c.bucket, count: 0, amount: 0, weighted: 0 };
      buckets.set(id, {
        bucket: c.bucket,
        count: sum.count + c.count,
        amount: sum.amount + c.amount,
        weighted: sum.weighted + c.weighted,
      });
    }
    previous = next;
  }
  for (const [id, c] of buckets) if (c.count === 0 && c.amount === 0 && c.weighted === 0) buckets.delete(id);
  return buckets;
}

describe('contributions', () => {
  it('counts an open deal in its stage and close month, for its owner and for everyone, and as open pipeline', () => {
    const types = contributions(open).map((c) => [
      c.bucket.type,
      'owner' in c.bucket ? c.bucket.owner : c.bucket.ownerId,
    ]);
    expect(types).toEqual([
      ['stage', 'ann'],
      ['month', 'ann'],
      ['stage', null],
      ['month', null],
      ['open', 'ann'],
    ]);
    expect(contributions(open)[1]?.bucket).toEqual({
      type: 'month',
      owner: 'ann',
      month: '2026-05',
      status: 'open',
      currency: 'EUR',
    });
  });

  it('counts a lost deal by its closing month and loss reason, a won one per rep', () => {
    const lost = contributions({
      ...open,
      status: 'lost',
      stageId: 'lost',
      closedAt: '2026-02-03T10:00:00Z',
      lossReason: 'Price',
    });
    expect(lost.map((c) => c.bucket)).toContainEqual({
      type: 'loss',
      owner: 'ann',
      month: '2026-02',
      reason: 'Price',
      currency: 'EUR',
    });
    expect(lost.map((c) => c.bucket)).toContainEqual({
      type: 'rep',
      ownerId: 'ann',
      month: '2026-02',
      status: 'lost',
      currency: 'EUR',
    });
    const won = contributions({ ...open, status: 'won', stageId: 'won', closedAt: '2026-03-31T23:59:59Z' });
    expect(won.map((c) => c.bucket)).toContainEqual({
      type: 'month',
      owner: null,
      month: '2026-03',
      status: 'won',
      currency: 'EUR',
    });
    expect(won.some((c) => c.bucket.type === 'open' || c.bucket.type === 'loss')).toBe(false);
  });

  it('contributes nothing for a deleted deal', () => {
    expect(contributions(undefined)).toEqual([]);
  });
});

describe('delta', () => {
  it('moves a stage change between stage buckets and leaves the rest alone', () => {
    const moved = delta(
      contributions(open),
      contributions({ ...open, stageId: 'proposal', weightedAmount: 6_000 }),
    );
    expect(moved).toEqual(
      expect.arrayContaining([
        {
          bucket: { type: 'stage', owner: 'ann', pipelineId: 'P', stageId: 'qualified', currency: 'EUR' },
          count: -1,
          amount: -10_000,
          weighted: -4_000,
        },
        {
          bucket: { type: 'stage', owner: 'ann', pipelineId: 'P', stageId: 'proposal', currency: 'EUR' },
          count: 1,
          amount: 10_000,
          weighted: 6_000,
        },
        {
          bucket: { type: 'month', owner: 'ann', month: '2026-05', status: 'open', currency: 'EUR' },
          count: 0,
          amount: 0,
          weighted: 2_000,
        },
      ]),
    );
  });

  it('is empty for an edit that changes nothing the reports read', () => {
    expect(delta(contributions(open), contributions({ ...open, updatedAt: '2026-01-01T00:00:00Z' }))).toEqual(
      [],
    );
  });

  it('ends, after any sequence of edits, at the contributions of the last state', () => {
    // Arrange: amount edit, owner change, currency change, close date move, loss, reopening, deletion.
    const states: (DealFacts | undefined)[] = [
      open,
      { ...open, amount: 12_000, weightedAmount: 4_800 },
      { ...open, ownerId: 'bob', amount: 12_000, weightedAmount: 4_800 },
      { ...open, ownerId: 'bob', currency: 'USD', amount: 12_000, weightedAmount: 4_800 },
      {
        ...open,
        ownerId: 'bob',
        currency: 'USD',
        amount: 12_000,
        weightedAmount: 4_800,
        closeDate: '2026-09-01',
      },
      {
        ...open,
        ownerId: 'bob',
        status: 'lost',
        stageId: 'lost',
        lossReason: 'Timing',
        closedAt: '2026-06-01T00:00:00Z',
        amount: 12_000,
        weightedAmount: 0,
        currency: 'USD',
      },
      { ...open, ownerId: 'bob', currency: 'USD', amount: 12_000, weightedAmount: 4_800 },
    ];
    // Act
    const applied = applyAll(states);
    // Assert
    expect(applied).toEqual(sumContributions(contributions(states.at(-1))));
    expect(applyAll([...states, undefined]).size).toBe(0);
  });
});

describe('planChange', () => {
  const change = (version: number, facts: DealFacts | undefined = open, deleted = false): DealChange => ({
    dealId: 'D',
    version,
    deleted,
    ...(facts ? { facts } : {}),
  });

  it('applies a first change in full and records it', () => {
    const plan = planChange(change(1), undefined);
    expect(plan?.after).toEqual({ version: 1, deleted: false, buckets: contributions(open) });
    expect(plan?.delta).toHaveLength(contributions(open).length);
  });

  it('ignores a duplicate and an older redelivery', () => {
    const applied = { version: 3, deleted: false, buckets: contributions(open) };
    expect(planChange(change(3, { ...open, amount: 1 }), applied)).toBeUndefined();
    expect(planChange(change(2, { ...open, amount: 1 }), applied)).toBeUndefined();
  });

  it('applies only the difference from what is applied, skipping versions it never saw', () => {
    const applied = { version: 1, deleted: false, buckets: contributions(open) };
    const plan = planChange(change(5, { ...open, amount: 20_000, weightedAmount: 8_000 }), applied);
    expect(plan?.delta.find((c) => c.bucket.type === 'open')).toMatchObject({
      count: 0,
      amount: 10_000,
      weighted: 4_000,
    });
  });

  it('subtracts a deleted deal once and leaves a tombstone that stops stale records', () => {
    const applied = { version: 4, deleted: false, buckets: contributions(open) };
    const removal = planChange(change(4, undefined, true), applied);
    expect(removal?.after).toEqual({ version: 4, deleted: true, buckets: [] });
    expect(removal?.delta.every((c) => c.count === -1)).toBe(true);
    const tombstone = removal?.after;
    expect(planChange(change(4, undefined, true), tombstone)).toBeUndefined();
    expect(planChange(change(4), tombstone)).toBeUndefined();
    expect(planChange(change(2), tombstone)).toBeUndefined();
  });

  it('writes a tombstone for a deal deleted before it was ever counted', () => {
    expect(planChange(change(2, undefined, true), undefined)).toEqual({
      after: { version: 2, deleted: true, buckets: [] },
      delta: [],
    });
  });
});

describe('latestPerDeal', () => {
  it('keeps the highest version of each deal, a deletion after the version it deletes', () => {
    const latest = latestPerDeal([
      { dealId: 'A', version: 2, deleted: false },
      { dealId: 'B', version: 1, deleted: false },
      { dealId: 'A', version: 3, deleted: false },
      { dealId: 'A', version: 1, deleted: false },
      { dealId: 'B', version: 1, deleted: true },
      { dealId: 'B', version: 1, deleted: false },
    ]);
    expect(latest).toEqual([
      { dealId: 'A', version: 3, deleted: false },
      { dealId: 'B', version: 1, deleted: true },
    ]);
  });
});

describe('months and periods', () => {
  it('walks months across years', () => {
    expect(addMonths('2026-11', 3)).toBe('2027-02');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(monthsBetween('2026-11', '2027-02')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(monthsBetween('2026-03', '2026-02')).toEqual([]);
  });

  it('names quarters and their first and last days', () => {
    expect(periodOf('2026-05', 'quarter')).toBe('2026-Q2');
    expect(periodOf('2026-12', 'quarter')).toBe('2026-Q4');
    expect(periodOf('2026-05', 'month')).toBe('2026-05');
    expect(periodBounds('2026-Q1')).toEqual({ start: '2026-01-01', end: '2026-03-31' });
    expect(periodBounds('2028-02')).toEqual({ start: '2028-02-01', end: '2028-02-29' });
  });

  it('widens a range to whole quarters', () => {
    expect(alignToPeriod('2026-05', '2026-08', 'quarter')).toEqual({ from: '2026-04', to: '2026-09' });
    expect(alignToPeriod('2026-05', '2026-08', 'month')).toEqual({ from: '2026-05', to: '2026-08' });
  });

  it('defaults forecasts to the coming twelve months and other reports to the past twelve', () => {
    expect(reportRange({}, '2026-11-23T10:00:00Z', 'ahead')).toEqual({ from: '2026-11', to: '2027-10' });
    expect(reportRange({}, '2026-11-23T10:00:00Z', 'behind')).toEqual({ from: '2025-12', to: '2026-11' });
    expect(reportRange({ period: 'quarter' }, '2026-11-23T10:00:00Z', 'ahead')).toEqual({
      from: '2026-10',
      to: '2027-12',
    });
    expect(reportRange({ from: '2024-11' }, '2026-11-23T10:00:00Z', 'behind')).toEqual({
      from: '2024-11',
      to: '2025-10',
    });
  });

  it('refuses a reversed range and one longer than 36 months', () => {
    expect(() => reportRange({ from: '2026-05', to: '2026-04' }, '2026-01-01', 'ahead')).toThrow(
      ValidationError,
    );
    expect(() => reportRange({ from: '2024-01', to: '2026-12' }, '2026-01-01', 'ahead')).not.toThrow();
    expect(() => reportRange({ from: '2024-01', to: '2027-01' }, '2026-01-01', 'ahead')).toThrow(
      /at most 36 months/,
    );
  });
});

const row = (bucket: Bucket, count: number, amount: number, weighted = 0): Contribution => ({
  bucket,
  count,
  amount,
  weighted,
});

describe('tally', () => {
  it('sums per currency, never across, and drops empty buckets', () => {
    const t = tally([
      row({ type: 'open', ownerId: 'a', currency: 'USD' }, 1, 500, 100),
      row({ type: 'open', ownerId: 'b', currency: 'EUR' }, 2, 300, 150),
      row({ type: 'open', ownerId: 'c', currency: 'EUR' }, 1, 200, 50),
      row({ type: 'open', ownerId: 'd', currency: 'GBP' }, 0, 0, 0),
    ]);
    expect(t).toEqual({
      count: 4,
      totals: [
        { currency: 'EUR', count: 3, amount: 500, weightedAmount: 200 },
        { currency: 'USD', count: 1, amount: 500, weightedAmount: 100 },
      ],
    });
  });
});

describe('report assembly', () => {
  const pipeline = {
    id: 'P',
    name: 'Sales',
    stages: [
      { id: 'new', name: 'New', probability: 10, kind: 'open' as const },
      { id: 'won', name: 'Won', probability: 100, kind: 'won' as const },
      { id: 'lost', name: 'Lost', probability: 0, kind: 'lost' as const },
    ],
  };

  it('lists every stage in pipeline order and totals the open ones', () => {
    const report = buildPipelineReport(
      pipeline,
      [
        row({ type: 'stage', owner: null, pipelineId: 'P', stageId: 'won', currency: 'EUR' }, 1, 900, 900),
        row({ type: 'stage', owner: null, pipelineId: 'P', stageId: 'new', currency: 'EUR' }, 2, 1_000, 100),
      ],
      undefined,
    );
    expect(report.stages.map((s) => [s.stageId, s.count])).toEqual([
      ['new', 2],
      ['won', 1],
      ['lost', 0],
    ]);
    expect(report.open).toEqual({
      count: 2,
      totals: [{ currency: 'EUR', count: 2, amount: 1_000, weightedAmount: 100 }],
    });
  });

  it('groups months into quarters for the forecast', () => {
    const periods = buildForecast(
      [
        row({ type: 'month', owner: null, month: '2026-04', status: 'open', currency: 'EUR' }, 1, 100, 50),
        row({ type: 'month', owner: null, month: '2026-06', status: 'open', currency: 'EUR' }, 1, 200, 20),
        row({ type: 'month', owner: null, month: '2026-07', status: 'won', currency: 'EUR' }, 1, 300, 300),
      ],
      { from: '2026-04', to: '2026-09' },
      'quarter',
    );
    expect(
      periods.map((p) => [p.period, p.open.totals[0]?.amount, p.open.totals[0]?.weightedAmount, p.won.count]),
    ).toEqual([
      ['2026-Q2', 300, 70, 0],
      ['2026-Q3', undefined, undefined, 1],
    ]);
  });

  it('computes win rates per rep and sorts loss reasons by frequency', () => {
    const owners = buildOwnersReport(
      [
        row({ type: 'rep', ownerId: 'ann', month: '2026-01', status: 'won', currency: 'EUR' }, 2, 100),
        row({ type: 'rep', ownerId: 'ann', month: '2026-02', status: 'lost', currency: 'USD' }, 1, 50),
      ],
      [row({ type: 'open', ownerId: 'bob', currency: 'EUR' }, 1, 10, 5)],
      new Map([['ann', 'Ann']]),
    );
    expect(owners.map((o) => [o.ownerId, o.ownerName, o.winRate])).toEqual([
      ['ann', 'Ann', 0.6667],
      ['bob', undefined, null],
    ]);
    expect(winRate(0, 0)).toBeNull();
    const reasons = buildLossReasons([
      row({ type: 'loss', owner: null, month: '2026-01', reason: 'Price', currency: 'EUR' }, 1, 10),
      row({ type: 'loss', owner: null, month: '2026-01', reason: 'Timing', currency: 'EUR' }, 2, 10),
      row({ type: 'loss', owner: null, month: '2026-02', reason: 'Price', currency: 'USD' }, 2, 10),
    ]);
    expect(reasons.map((r) => [r.lossReason, r.count, r.totals.length])).toEqual([
      ['Price', 3, 2],
      ['Timing', 2, 1],
    ]);
  });
});
