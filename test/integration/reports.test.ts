import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import type { User } from '#contracts/actor';
import { BOM, parseCsv } from '#domain/csv';
import { addMonths } from '#domain/reports';
import { call, users } from '#test/api';
import { eventually } from '#test/eventually';
import { rep } from '#test/fixtures';

/**
 * Every report on a known data set, with the expected numbers worked out by hand below. The
 * pipeline and the reps belong to this file, so their numbers are exactly these whatever else the
 * shared table holds. Reports read aggregates the stream keeps, hence `eventually`.
 */

const M = new Date().toISOString().slice(0, 7);
const M1 = addMonths(M, 1);
const M2 = addMonths(M, 2);

let ann: User;
let bob: User;
let pipelineId: string;

const money = (currency: string, count: number, amount: number, weightedAmount: number) => ({
  currency,
  count,
  amount,
  weightedAmount,
});

async function deal(owner: User, body: Record<string, unknown>, as: User = owner) {
  const res = await call('POST', '/deals', { user: as, body: { pipelineId, ...body } });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

async function move(owner: User, id: string, stageId: string, lossReason?: string) {
  const res = await call('POST', `/deals/${id}/stage`, {
    user: owner,
    body: { stageId, ...(lossReason ? { lossReason } : {}) },
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  ann = rep('ann');
  bob = rep('bob');
  const pipeline = await call('POST', '/pipelines', {
    user: users.maya,
    body: {
      name: `Reports ${ulid()}`,
      stages: [
        { id: 'lead', name: 'Lead', probability: 10, kind: 'open' },
        { id: 'proposal', name: 'Proposal', probability: 50, kind: 'open' },
        { id: 'won', name: 'Won', probability: 100, kind: 'won' },
        { id: 'lost', name: 'Lost', probability: 0, kind: 'lost' },
      ],
    },
  });
  expect(pipeline.status).toBe(201);
  pipelineId = pipeline.body.id;

  // Ann: two open EUR deals closing next month (one edited), one open USD deal the month after,
  // one won, two lost (EUR and USD, two reasons).
  const a1 = await deal(ann, { name: 'a1', stageId: 'lead', amount: 100_000, closeDate: `${M1}-15` });
  expect((await call('PATCH', `/deals/${a1.id}`, { user: ann, body: { amount: 120_000 } })).status).toBe(200);
  await deal(ann, {
    name: 'a2',
    stageId: 'proposal',
    amount: 200_000,
    probability: 70,
    closeDate: `${M1}-20`,
  });
  await deal(ann, {
    name: 'a3',
    stageId: 'proposal',
    amount: 50_000,
    currency: 'USD',
    closeDate: `${M2}-05`,
  });
  const a4 = await deal(ann, { name: 'a4', stageId: 'lead', amount: 300_000 });
  await move(ann, a4.id, 'won');
  const a5 = await deal(ann, { name: 'a5', stageId: 'lead', amount: 40_000 });
  await move(ann, a5.id, 'lost', 'Price');
  const a6 = await deal(ann, { name: 'a6', stageId: 'lead', amount: 10_000, currency: 'USD' });
  await move(ann, a6.id, 'lost', 'Timing');
  // Bob: one open, one lost with a reason a spreadsheet would run, one handed over by Ann's manager.
  await deal(bob, { name: 'b1', stageId: 'proposal', amount: 100_000, closeDate: `${M1}-10` });
  const b2 = await deal(bob, { name: 'b2', stageId: 'lead', amount: 50_000 });
  await move(bob, b2.id, 'lost', '=2+3, "cheaper"');
  const b3 = await deal(
    ann,
    { name: 'b3', stageId: 'lead', amount: 80_000, closeDate: `${M2}-01`, ownerId: ann.id },
    users.maya,
  );
  expect(
    (await call('PATCH', `/deals/${b3.id}`, { user: users.maya, body: { ownerId: bob.id } })).status,
  ).toBe(200);
});

describe('GET /reports/pipeline', () => {
  it('gives a rep their own deals per stage in stage order, with open totals per currency', async () => {
    // a1 lead 1200.00 (10 %); a2 proposal 2000.00 at 70 %; a3 proposal USD 500.00 at 50 %;
    // a4 won 3000.00; a5 lost 400.00; a6 lost USD 100.00 (lost and won reset the probability).
    const expected = {
      pipelineId,
      ownerId: ann.id,
      stages: [
        { stageId: 'lead', kind: 'open', count: 1, totals: [money('EUR', 1, 120_000, 12_000)] },
        {
          stageId: 'proposal',
          kind: 'open',
          count: 2,
          totals: [money('EUR', 1, 200_000, 140_000), money('USD', 1, 50_000, 25_000)],
        },
        { stageId: 'won', kind: 'won', count: 1, totals: [money('EUR', 1, 300_000, 300_000)] },
        {
          stageId: 'lost',
          kind: 'lost',
          count: 2,
          totals: [money('EUR', 1, 40_000, 0), money('USD', 1, 10_000, 0)],
        },
      ],
      open: { count: 3, totals: [money('EUR', 2, 320_000, 152_000), money('USD', 1, 50_000, 25_000)] },
    };
    await eventually(async () => {
      const res = await call('GET', '/reports/pipeline', { user: ann, query: { pipelineId } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject(expected);
    });
  });

  it("gives a manager everyone's numbers, or one rep's with ownerId", async () => {
    await eventually(async () => {
      const all = await call('GET', '/reports/pipeline', { user: users.maya, query: { pipelineId } });
      expect(all.body.ownerId).toBeUndefined();
      expect(all.body.stages.map((s: { count: number }) => s.count)).toEqual([2, 3, 1, 3]);
      expect(all.body.open).toEqual({
        count: 5,
        totals: [money('EUR', 4, 500_000, 210_000), money('USD', 1, 50_000, 25_000)],
      });
      const bobs = await call('GET', '/reports/pipeline', {
        user: users.maya,
        query: { pipelineId, ownerId: bob.id },
      });
      expect(bobs.body.stages.map((s: { totals: unknown }) => s.totals)).toEqual([
        [money('EUR', 1, 80_000, 8_000)],
        [money('EUR', 1, 100_000, 50_000)],
        [],
        [money('EUR', 1, 50_000, 0)],
      ]);
      expect(bobs.body.open).toEqual({ count: 2, totals: [money('EUR', 2, 180_000, 58_000)] });
    });
  });

  it("refuses a rep another rep's numbers, and answers 404 for an unknown pipeline", async () => {
    const res = await call('GET', '/reports/pipeline', { user: ann, query: { pipelineId, ownerId: bob.id } });
    expect(res.status).toBe(403);
    const missing = await call('GET', '/reports/pipeline', { user: ann, query: { pipelineId: ulid() } });
    expect(missing.status).toBe(404);
  });

  it('answers a CSV with a byte-order mark, decimal money and the currency in its own column', async () => {
    const res = await eventually(async () => {
      const r = await call('GET', '/reports/pipeline', { user: ann, query: { pipelineId, format: 'csv' } });
      expect(r.text).toContain('open total');
      expect(r.text).toContain('3000.00');
      return r;
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.text.startsWith(BOM)).toBe(true);
    const rows = parseCsv(res.text.slice(1)).map((r) => r.fields);
    expect(rows[0]).toEqual([
      'row',
      'stageId',
      'stage',
      'kind',
      'probability',
      'currency',
      'count',
      'amount',
      'weightedAmount',
    ]);
    expect(rows.slice(1)).toEqual([
      ['stage', 'lead', 'Lead', 'open', '10', 'EUR', '1', '1200.00', '120.00'],
      ['stage', 'proposal', 'Proposal', 'open', '50', 'EUR', '1', '2000.00', '1400.00'],
      ['stage', 'proposal', 'Proposal', 'open', '50', 'USD', '1', '500.00', '250.00'],
      ['stage', 'won', 'Won', 'won', '100', 'EUR', '1', '3000.00', '3000.00'],
      ['stage', 'lost', 'Lost', 'lost', '0', 'EUR', '1', '400.00', '0.00'],
      ['stage', 'lost', 'Lost', 'lost', '0', 'USD', '1', '100.00', '0.00'],
      ['open total', '', '', 'open', '', 'EUR', '2', '3200.00', '1520.00'],
      ['open total', '', '', 'open', '', 'USD', '1', '500.00', '250.00'],
    ]);
  });
});

describe('GET /reports/forecast', () => {
  it('puts open deals in their close month and won and lost deals in their closing month', async () => {
    await eventually(async () => {
      const res = await call('GET', '/reports/forecast', { user: ann, query: { from: M, to: M2 } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ period: 'month', from: M, to: M2, ownerId: ann.id });
      expect(res.body.periods.map((p: { period: string }) => p.period)).toEqual([M, M1, M2]);
      const [now, next, after] = res.body.periods;
      expect(now.open).toEqual({ count: 0, totals: [] });
      expect(now.won).toEqual({ count: 1, totals: [money('EUR', 1, 300_000, 300_000)] });
      expect(now.lost).toEqual({
        count: 2,
        totals: [money('EUR', 1, 40_000, 0), money('USD', 1, 10_000, 0)],
      });
      expect(next.open).toEqual({ count: 2, totals: [money('EUR', 2, 320_000, 152_000)] });
      expect(after.open).toEqual({ count: 1, totals: [money('USD', 1, 50_000, 25_000)] });
      expect(next.start).toBe(`${M1}-01`);
    });
  });

  it('sums whole quarters, and a manager sees one rep with ownerId', async () => {
    await eventually(async () => {
      const res = await call('GET', '/reports/forecast', {
        user: users.maya,
        query: { from: M, to: M2, period: 'quarter', ownerId: bob.id },
      });
      expect(res.status).toBe(200);
      expect(res.body.periods.every((p: { period: string }) => /^\d{4}-Q[1-4]$/.test(p.period))).toBe(true);
      const openEur = res.body.periods.flatMap(
        (p: { open: { totals: { amount: number; weightedAmount: number }[] } }) => p.open.totals,
      );
      expect(openEur.reduce((n: number, t: { amount: number }) => n + t.amount, 0)).toBe(180_000);
      expect(openEur.reduce((n: number, t: { weightedAmount: number }) => n + t.weightedAmount, 0)).toBe(
        58_000,
      );
      expect(
        res.body.periods.reduce((n: number, p: { lost: { count: number } }) => n + p.lost.count, 0),
      ).toBe(1);
    });
  });

  it('refuses ranges longer than 36 months and malformed months', async () => {
    const long = await call('GET', '/reports/forecast', {
      user: ann,
      query: { from: '2024-01', to: '2027-01' },
    });
    expect(long.status).toBe(422);
    const bad = await call('GET', '/reports/forecast', { user: ann, query: { from: '2026-13' } });
    expect(bad.status).toBe(422);
  });

  it('answers a CSV with one row per period and currency', async () => {
    const res = await eventually(async () => {
      const r = await call('GET', '/reports/forecast', {
        user: ann,
        query: { from: M, to: M2, format: 'csv' },
      });
      expect(r.text).toContain('3200.00');
      return r;
    });
    const rows = parseCsv(res.text.slice(1)).map((r) => r.fields);
    expect(rows[0]?.slice(3)).toEqual([
      'currency',
      'openCount',
      'openAmount',
      'openWeightedAmount',
      'wonCount',
      'wonAmount',
      'lostCount',
      'lostAmount',
    ]);
    expect(rows.filter((r) => r[0] === M1)).toEqual([
      [M1, `${M1}-01`, expect.any(String), 'EUR', '2', '3200.00', '1520.00', '0', '0.00', '0', '0.00'],
    ]);
    expect(rows.filter((r) => r[0] === M).map((r) => r.slice(3))).toEqual([
      ['EUR', '0', '0.00', '0.00', '1', '3000.00', '1', '400.00'],
      ['USD', '0', '0.00', '0.00', '0', '0.00', '1', '100.00'],
    ]);
  });
});

describe('GET /reports/owners', () => {
  it('gives managers won, lost, open pipeline and win rate per rep', async () => {
    await eventually(async () => {
      const res = await call('GET', '/reports/owners', { user: users.maya, query: { from: M, to: M } });
      expect(res.status).toBe(200);
      const byOwner = new Map(res.body.owners.map((o: { ownerId: string }) => [o.ownerId, o]));
      expect(byOwner.get(ann.id)).toEqual({
        ownerId: ann.id,
        ownerName: 'ann',
        won: { count: 1, totals: [money('EUR', 1, 300_000, 300_000)] },
        lost: { count: 2, totals: [money('EUR', 1, 40_000, 0), money('USD', 1, 10_000, 0)] },
        open: { count: 3, totals: [money('EUR', 2, 320_000, 152_000), money('USD', 1, 50_000, 25_000)] },
        winRate: 0.3333,
      });
      expect(byOwner.get(bob.id)).toMatchObject({
        won: { count: 0, totals: [] },
        lost: { count: 1 },
        open: { count: 2, totals: [money('EUR', 2, 180_000, 58_000)] },
        winRate: 0,
      });
    });
  });

  it('gives a rep their own row only', async () => {
    await eventually(async () => {
      const res = await call('GET', '/reports/owners', { user: ann, query: { from: M, to: M } });
      expect(res.body.owners.map((o: { ownerId: string }) => o.ownerId)).toEqual([ann.id]);
    });
  });

  it('answers a CSV with a row per rep and currency', async () => {
    const res = await eventually(async () => {
      const r = await call('GET', '/reports/owners', { user: ann, query: { from: M, to: M, format: 'csv' } });
      expect(r.text).toContain('3000.00');
      return r;
    });
    const rows = parseCsv(res.text.slice(1)).map((r) => r.fields);
    expect(rows).toEqual([
      [
        'ownerId',
        'ownerName',
        'currency',
        'wonCount',
        'wonAmount',
        'lostCount',
        'lostAmount',
        'openCount',
        'openAmount',
        'openWeightedAmount',
        'winRate',
      ],
      [ann.id, 'ann', 'EUR', '1', '3000.00', '1', '400.00', '2', '3200.00', '1520.00', '0.3333'],
      [ann.id, 'ann', 'USD', '0', '0.00', '1', '100.00', '1', '500.00', '250.00', '0.3333'],
    ]);
  });
});

describe('GET /reports/loss-reasons', () => {
  it('counts lost deals and amounts per reason, most frequent first', async () => {
    await eventually(async () => {
      const res = await call('GET', '/reports/loss-reasons', { user: ann, query: { from: M, to: M } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        from: M,
        to: M,
        ownerId: ann.id,
        reasons: [
          { lossReason: 'Price', count: 1, totals: [money('EUR', 1, 40_000, 0)] },
          { lossReason: 'Timing', count: 1, totals: [money('USD', 1, 10_000, 0)] },
        ],
      });
    });
  });

  it('neutralises a reason that a spreadsheet would run as a formula in the CSV', async () => {
    const res = await eventually(async () => {
      const r = await call('GET', '/reports/loss-reasons', {
        user: users.maya,
        query: { from: M, to: M, ownerId: bob.id, format: 'csv' },
      });
      expect(r.text).toContain('500.00');
      return r;
    });
    expect(res.text).toContain(`"'=2+3, ""cheaper"""`);
    expect(parseCsv(res.text.slice(1)).map((r) => r.fields)).toEqual([
      ['lossReason', 'currency', 'count', 'amount'],
      [`'=2+3, "cheaper"`, 'EUR', '1', '500.00'],
    ]);
  });
});
