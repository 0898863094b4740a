import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Bucket, Contribution } from '#domain/reports';
import { bucketId, isZero, sumContributions } from '#domain/reports';
import { batchGetItems } from './batch.ts';
import { db, table } from './client.ts';
import type { TransactItem } from './items.ts';
import { type Key, keys } from './keys.ts';

/**
 * Report aggregates: bucket items summed with ADD, and one marker per deal recording what the
 * aggregates hold of it (its version and its contributions). A change is one transaction that adds
 * the difference to the buckets and replaces the marker on the condition that the marker is still
 * the one read: applied exactly once, however often the same change is delivered.
 */

/** What the aggregates hold of one deal. */
export interface Marker {
  dealId: string;
  version: number;
  deleted: boolean;
  /** Bumped on every write: the condition of the next one. */
  rev: number;
  buckets: Contribution[];
}

/** A marker to write: the new state, the bucket changes it implies, and the marker it replaces. */
export interface MarkerWrite {
  before: Marker | undefined;
  after: Omit<Marker, 'rev'>;
  delta: Contribution[];
}

/** Tombstones outlive the stream's 24 h retention, so no stale record of a deleted deal counts again. */
const TOMBSTONE_SECONDS = 7 * 24 * 3600;
const MAX_TRANSACTION_ITEMS = 100;
const MAX_DEALS_PER_TRANSACTION = 25;

export function bucketKey(b: Bucket): Key {
  switch (b.type) {
    case 'stage':
      return keys.stageAggregate(
        b.pipelineId,
        keys.aggregateScope(b.owner ?? undefined),
        b.stageId,
        b.currency,
      );
    case 'month':
      return keys.monthAggregate(keys.aggregateScope(b.owner ?? undefined), b.month, b.status, b.currency);
    case 'rep':
      return keys.repAggregate(b.month, b.ownerId, b.status, b.currency);
    case 'open':
      return keys.openAggregate(b.ownerId, b.currency);
    case 'loss':
      return keys.lossAggregate(keys.aggregateScope(b.owner ?? undefined), b.month, b.currency, b.reason);
  }
}

function toMarker(item: Record<string, unknown>): Marker {
  return {
    dealId: String(item.dealId),
    version: Number(item.version ?? 0),
    deleted: item.deleted === true,
    rev: Number(item.rev ?? 0),
    buckets: (item.buckets as Contribution[] | undefined) ?? [],
  };
}

/** The markers of these deals. */
export async function readMarkers(dealIds: readonly string[]): Promise<Map<string, Marker>> {
  const items = await batchGetItems(dealIds.map((id) => keys.aggregateMarker(id)));
  return new Map(items.map((item) => [String(item.dealId), toMarker(item)]));
}

function markerPut(write: MarkerWrite): TransactItem {
  const { before, after } = write;
  const item: Record<string, unknown> = {
    ...keys.aggregateMarker(after.dealId),
    entity: 'AggregateMarker',
    dealId: after.dealId,
    version: after.version,
    deleted: after.deleted,
    rev: (before?.rev ?? 0) + 1,
    buckets: after.buckets,
  };
  if (after.deleted) item.expiresAt = Math.floor(Date.now() / 1000) + TOMBSTONE_SECONDS;
  return {
    Put: {
      TableName: table(),
      Item: item,
      ...(before
        ? {
            ConditionExpression: '#rev = :rev',
            ExpressionAttributeNames: { '#rev': 'rev' },
            ExpressionAttributeValues: { ':rev': before.rev },
          }
        : { ConditionExpression: 'attribute_not_exists(PK)' }),
    },
  };
}

function bucketUpdate(c: Contribution): TransactItem {
  return {
    Update: {
      TableName: table(),
      Key: bucketKey(c.bucket),
      UpdateExpression:
        'ADD #count :count, #amount :amount, #weighted :weighted SET #bucket = :bucket, #entity = :entity',
      ExpressionAttributeNames: {
        '#count': 'count',
        '#amount': 'amount',
        '#weighted': 'weighted',
        '#bucket': 'bucket',
        '#entity': 'entity',
      },
      ExpressionAttributeValues: {
        ':count': c.count,
        ':amount': c.amount,
        ':weighted': c.weighted,
        ':bucket': c.bucket,
        ':entity': 'Aggregate',
      },
    },
  };
}

/**
 * Groups marker writes into transactions of at most 100 items, the bucket changes of the deals of
 * one transaction added together (many deals share the everyone-buckets).
 */
export function chunkWrites(writes: readonly MarkerWrite[]): MarkerWrite[][] {
  const chunks: MarkerWrite[][] = [];
  let current: MarkerWrite[] = [];
  let buckets = new Set<string>();
  for (const write of writes) {
    const fresh = write.delta.map((c) => bucketId(c.bucket)).filter((id) => !buckets.has(id));
    const size = current.length + buckets.size + 1 + new Set(fresh).size;
    if (current.length > 0 && (size > MAX_TRANSACTION_ITEMS || current.length >= MAX_DEALS_PER_TRANSACTION)) {
      chunks.push(current);
      current = [];
      buckets = new Set();
    }
    current.push(write);
    for (const c of write.delta) buckets.add(bucketId(c.bucket));
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function transactionItems(chunk: readonly MarkerWrite[]): TransactItem[] {
  // One update per bucket: a transaction may not touch an item twice.
  const updates = [...sumContributions(chunk.flatMap((w) => w.delta)).values()]
    .filter((c) => !isZero(c))
    .map(bucketUpdate);
  return [...chunk.map(markerPut), ...updates];
}

/**
 * Writes one chunk. `false` when it must be planned again from fresh markers: a marker changed
 * since it was read (another delivery of the same change won), or the transaction collided with
 * another one on a shared bucket. Nothing of a cancelled transaction is applied.
 */
export async function writeChunk(chunk: readonly MarkerWrite[]): Promise<boolean> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: transactionItems(chunk) }));
    return true;
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
      if (codes.some((c) => c === 'ConditionalCheckFailed' || c === 'TransactionConflict')) return false;
    }
    throw error;
  }
}

function toContribution(item: Record<string, unknown>): Contribution {
  return {
    bucket: item.bucket as Bucket,
    count: Number(item.count ?? 0),
    amount: Number(item.amount ?? 0),
    weighted: Number(item.weighted ?? 0),
  };
}

/** Every bucket of a partition (optionally a sort-key range): bounded by buckets, never by deals. */
export async function queryBuckets(
  partition: string,
  range?: { lo: string; hi: string } | { prefix: string },
): Promise<Contribution[]> {
  const rows: Contribution[] = [];
  let start: Record<string, unknown> | undefined;
  let condition = 'PK = :pk';
  const values: Record<string, unknown> = { ':pk': partition };
  if (range && 'prefix' in range) {
    condition += ' AND begins_with(SK, :prefix)';
    values[':prefix'] = range.prefix;
  } else if (range) {
    condition += ' AND SK BETWEEN :lo AND :hi';
    values[':lo'] = range.lo;
    values[':hi'] = range.hi;
  }
  do {
    const out = await db.send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: condition,
        ExpressionAttributeValues: values,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    rows.push(...(out.Items ?? []).map(toContribution));
    start = out.LastEvaluatedKey;
  } while (start);
  return rows;
}
