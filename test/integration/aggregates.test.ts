import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import type { User } from '#contracts/actor';
import {
  bucketId,
  type Contribution,
  contributions,
  factsOf,
  monthOf,
  sumContributions,
} from '#domain/reports';
import type { Deal } from '#schemas/deals';
import { bucketKey, queryBuckets } from '#store/aggregates';
import { db, table } from '#store/client';
import { keys } from '#store/keys';
import { call, users } from '#test/api';
import { eventually } from '#test/eventually';
import { rep } from '#test/fixtures';
import { handler } from '../../functions/aggregate/handler.ts';

/**
 * The aggregates against a recount from the deals, after a few hundred random changes made through
 * the API (creations, amount, currency, close date, probability and owner edits, stage moves to
 * won and lost) and deletions of deal items (no route deletes deals yet; the stream sees a REMOVE).
 * While the stream consumer applies the real records, the test also calls the consumer's handler
 * with the same records duplicated, shuffled and replayed out of order: the result must not change.
 */

const STAGES = ['s1', 's2', 'won', 'lost'] as const;
const CURRENCIES = ['EUR', 'USD', 'JPY'];
const REASONS = ['Price', 'Timing', 'Competitor'];

let seed = 20_261_123;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

let pipelineId: string;
let owners: User[];

beforeAll(async () => {
  owners = [rep('agg1'), rep('agg2'), rep('agg3')];
  const res = await call('POST', '/pipelines', {
    user: users.maya,
    body: {
      name: `Aggregates ${ulid()}`,
      followUpDays: 0,
      stages: [
        { id: 's1', name: 'S1', probability: 20, kind: 'open' },
        { id: 's2', name: 'S2', probability: 60, kind: 'open' },
        { id: 'won', name: 'Won', probability: 100, kind: 'won' },
        { id: 'lost', name: 'Lost', probability: 0, kind: 'lost' },
      ],
    },
  });
  expect(res.status).toBe(201);
  pipelineId = res.body.id;
});

let sequence = 0;
/** A stream record as Lambda delivers it, for a deal item before and after a change. */
function record(before: Deal | undefined, after: Deal | undefined): DynamoDBRecord {
  const image = (d: Deal) =>
    marshall({ ...d, ...keys.deal(d.id), entity: 'Deal' }, { removeUndefinedValues: true }) as never;
  const eventName = !before ? 'INSERT' : after ? 'MODIFY' : 'REMOVE';
  sequence++;
  return {
    eventName,
    dynamodb: {
      ...(after ? { NewImage: image(after) } : {}),
      ...(before ? { OldImage: image(before) } : {}),
      SequenceNumber: String(sequence).padStart(21, '0'),
    },
  };
}

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function randomCloseDate(): string {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + Math.floor(random() * 24) - 12);
  return `${monthOf(d.toISOString())}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
}

/** One random change through the API (or a deletion of the item); the deal before and after. */
async function randomChange(deals: Map<string, Deal>): Promise<[Deal | undefined, Deal | undefined]> {
  const live = [...deals.values()];
  const roll = random();
  if (live.length < 5 || roll < 0.2) {
    const stageId = pick(STAGES);
    const res = await call('POST', '/deals', {
      user: users.maya,
      body: {
        name: `agg ${ulid()}`,
        pipelineId,
        stageId,
        ownerId: pick(owners).id,
        amount: Math.floor(random() * 1_000_000),
        currency: pick(CURRENCIES),
        closeDate: randomCloseDate(),
        ...(random() < 0.5 ? { probability: Math.floor(random() * 101) } : {}),
        ...(stageId === 'lost' ? { lossReason: pick(REASONS) } : {}),
      },
    });
    expect(res.status).toBe(201);
    return [undefined, res.body];
  }
  const deal = pick(live);
  if (roll < 0.27) {
    await db.send(new DeleteCommand({ TableName: table(), Key: keys.deal(deal.id) }));
    return [deal, undefined];
  }
  let res: Awaited<ReturnType<typeof call>>;
  if (roll < 0.55) {
    const stageId = pick(STAGES);
    res = await call('POST', `/deals/${deal.id}/stage`, {
      user: users.maya,
      body: { stageId, ...(stageId === 'lost' ? { lossReason: pick(REASONS) } : {}) },
    });
  } else {
    const field = pick(['amount', 'currency', 'closeDate', 'probability', 'ownerId'] as const);
    const value = {
      amount: Math.floor(random() * 1_000_000),
      currency: pick(CURRENCIES),
      closeDate: randomCloseDate(),
      probability: Math.floor(random() * 101),
      ownerId: pick(owners).id,
    }[field];
    res = await call('PATCH', `/deals/${deal.id}`, { user: users.maya, body: { [field]: value } });
  }
  expect(res.status).toBe(200);
  return [deal, res.body as Deal];
}

/** The buckets of the partitions this test owns, as the table holds them (zero buckets left out). */
async function stored(): Promise<Map<string, Contribution>> {
  const ours = new Set(owners.map((o) => o.id));
  const scopes = owners.map((o) => keys.aggregateScope(o.id));
  const partitions = [
    ...scopes.map((s) => keys.stageAggregatePartition(pipelineId, s)),
    keys.stageAggregatePartition(pipelineId, keys.aggregateScope(undefined)),
    ...scopes.map((s) => keys.monthAggregatePartition(s)),
    ...scopes.map((s) => keys.lossAggregatePartition(s)),
  ];
  const rows = (await Promise.all(partitions.map((p) => queryBuckets(p)))).flat();
  const shared = [
    ...(await queryBuckets(keys.repAggregatePartition())),
    ...(await queryBuckets(keys.openAggregatePartition())),
  ].filter((r) => (r.bucket.type === 'rep' || r.bucket.type === 'open') && ours.has(r.bucket.ownerId));
  return new Map(
    [...rows, ...shared]
      .filter((r) => r.count !== 0 || r.amount !== 0 || r.weighted !== 0)
      .map((r) => [bucketId(r.bucket), r]),
  );
}

/** The same buckets, recounted from the deals as they are now. */
function recount(deals: Iterable<Deal>): Map<string, Contribution> {
  const all = sumContributions([...deals].flatMap((d) => contributions(factsOf(d as never))));
  const partitions = new Set<string>();
  for (const o of owners) {
    const scope = keys.aggregateScope(o.id);
    partitions.add(keys.stageAggregatePartition(pipelineId, scope));
    partitions.add(keys.monthAggregatePartition(scope));
    partitions.add(keys.lossAggregatePartition(scope));
  }
  partitions.add(keys.stageAggregatePartition(pipelineId, keys.aggregateScope(undefined)));
  partitions.add(keys.repAggregatePartition());
  partitions.add(keys.openAggregatePartition());
  return new Map([...all].filter(([, c]) => partitions.has(bucketKey(c.bucket).PK)));
}

describe('aggregate (stream consumer)', () => {
  it('equals a recount from the deals after a few hundred random changes, duplicates and replays', async () => {
    // Arrange
    const deals = new Map<string, Deal>();
    const history: DynamoDBRecord[] = [];
    // Act: changes through the API; every 25, the last records again, twice, in random order.
    for (let i = 1; i <= 300; i++) {
      const [before, after] = await randomChange(deals);
      history.push(record(before, after));
      if (after) deals.set(after.id, after);
      else if (before) deals.delete(before.id);
      if (i % 25 === 0) {
        const recent = history.slice(-40);
        const result = await handler({ Records: shuffled([...recent, ...recent]) });
        expect(result.batchItemFailures).toEqual([]);
      }
    }
    // The whole history once more, newest first and one record per call: every record arrives
    // alone, older than what is applied.
    for (const r of [...history].reverse())
      expect((await handler({ Records: [r] })).batchItemFailures).toEqual([]);
    // Assert
    const expected = recount(deals.values());
    expect(expected.size).toBeGreaterThan(50);
    await eventually(async () => expect(await stored()).toEqual(expected), 30_000, 250);
  }, 120_000);

  it('counts a change delivered twice in one batch, or in two batches, once', async () => {
    // Arrange: a deal of a rep of its own, counted by the stream.
    const owner = rep('twice');
    const created = (
      await call('POST', '/deals', { user: owner, body: { name: 'Twice', amount: 70_000, currency: 'USD' } })
    ).body as Deal;
    const openRow = async () =>
      (await queryBuckets(keys.openAggregatePartition())).find(
        (r) => r.bucket.type === 'open' && r.bucket.ownerId === owner.id,
      );
    await eventually(async () => expect(await openRow()).toMatchObject({ count: 1, amount: 70_000 }));
    const patched = (await call('PATCH', `/deals/${created.id}`, { user: owner, body: { amount: 90_000 } }))
      .body as Deal;
    const insert = record(undefined, created);
    const modify = record(created, patched);
    // Act: the same records again, duplicated within a batch and across batches, out of order.
    await handler({ Records: [modify, modify, insert] });
    await handler({ Records: [insert, modify] });
    // Assert
    await eventually(async () =>
      expect(await openRow()).toMatchObject({ count: 1, amount: 90_000, weighted: 18_000 }),
    );
    const stale = await handler({ Records: [insert, insert] });
    expect(stale.batchItemFailures).toEqual([]);
    expect(await openRow()).toMatchObject({ count: 1, amount: 90_000, weighted: 18_000 });
  });

  it('subtracts a deleted deal once, however often its REMOVE arrives', async () => {
    const owner = rep('gone');
    const created = (await call('POST', '/deals', { user: owner, body: { name: 'Gone', amount: 5_000 } }))
      .body as Deal;
    const openRow = async () =>
      (await queryBuckets(keys.openAggregatePartition())).find(
        (r) => r.bucket.type === 'open' && r.bucket.ownerId === owner.id,
      );
    await eventually(async () => expect(await openRow()).toMatchObject({ count: 1 }));
    await db.send(new DeleteCommand({ TableName: table(), Key: keys.deal(created.id) }));
    const remove = record(created, undefined);
    await handler({ Records: [remove, remove] });
    await handler({ Records: [remove, record(undefined, created)] });
    await eventually(async () => expect(await openRow()).toMatchObject({ count: 0, amount: 0 }));
  });
});
