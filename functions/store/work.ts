import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DealEvent } from '#schemas/deals';
import { db, table } from './client.ts';
import { eventItem } from './deals.ts';
import { isConditionFailure, keyRange, put, type TransactItem, transact } from './items.ts';
import { INDEXES, keys } from './keys.ts';

/**
 * Scheduled work: one item per thing to do (an email to deliver; later a reminder, a webhook), with
 * its kind, its payload and, while pending, when it is next due on the sparse byDue index. A job
 * queries that index (no Scan), claims each due item with a conditional write (a lease), does it,
 * and records the outcome with its timeline event in one transaction.
 */

export type WorkStatus = 'pending' | 'done' | 'failed';

export interface WorkItem<P = Record<string, unknown>> {
  id: string;
  kind: string;
  payload: P;
  status: WorkStatus;
  /** Tries started so far (a claim counts one). */
  attempts: number;
  createdAt: string;
  /** While pending: when it is due (or, while claimed, when the claim lapses). */
  nextAttemptAt?: string;
  lastError?: string;
  finishedAt?: string;
  /** What the finished work left (a message id, whether it failed to build). */
  result?: Record<string, unknown>;
}

export interface NewWork<P = Record<string, unknown>> {
  id: string;
  kind: string;
  payload: P;
}

/** Finished items stay 30 days for inspection, then TTL removes them (the timeline keeps the outcome). */
const KEEP_FINISHED_S = 30 * 24 * 60 * 60;

function pendingItem(work: NewWork, at: string) {
  return {
    ...keys.work(work.id),
    ...keys.workDue(at, work.id),
    entity: 'Work',
    id: work.id,
    kind: work.kind,
    payload: work.payload,
    status: 'pending',
    attempts: 0,
    createdAt: at,
    nextAttemptAt: at,
  };
}

/** The transaction item that schedules work due at `at` (nothing when that id already exists). */
export function scheduleWorkItem(work: NewWork, at: string): TransactItem {
  return put(pendingItem(work, at), { expression: 'attribute_not_exists(PK)' });
}

/**
 * Schedules work due at `at`. Idempotent by id: a second schedule of the same id (a replayed
 * stream record) changes nothing. True when it was new.
 */
export async function scheduleWork(work: NewWork, at: string): Promise<boolean> {
  try {
    await db.send(
      new PutCommand({
        TableName: table(),
        Item: pendingItem(work, at),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

function toWork(item: Record<string, unknown>): WorkItem {
  return {
    id: String(item.id),
    kind: String(item.kind),
    payload: (item.payload ?? {}) as Record<string, unknown>,
    status: item.status as WorkStatus,
    attempts: Number(item.attempts ?? 0),
    createdAt: String(item.createdAt),
    ...(item.nextAttemptAt ? { nextAttemptAt: String(item.nextAttemptAt) } : {}),
    ...(item.lastError ? { lastError: String(item.lastError) } : {}),
    ...(item.finishedAt ? { finishedAt: String(item.finishedAt) } : {}),
    ...(item.result ? { result: item.result as Record<string, unknown> } : {}),
  };
}

export async function getWork(id: string): Promise<WorkItem | undefined> {
  const out = await db.send(new GetCommand({ TableName: table(), Key: keys.work(id), ConsistentRead: true }));
  return out.Item ? toWork(out.Item) : undefined;
}

/** Pending work due at `now` or earlier, oldest first. */
export async function dueWork(now: string, limit: number, after?: string): Promise<WorkItem[]> {
  const range = keyRange(INDEXES.byDue, keys.duePartition(), after, keys.dueSort(now, '\uffff'));
  if (!range) return [];
  const out = await db.send(
    new QueryCommand({ TableName: table(), IndexName: 'byDue', ...range, Limit: limit }),
  );
  return (out.Items ?? []).map(toWork);
}

/** How many items are pending (due or waiting for their next try), from the sparse index's keys. */
export async function pendingWorkCount(): Promise<number> {
  const range = keyRange(INDEXES.byDue, keys.duePartition());
  if (!range) return 0;
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'byDue',
        ...range,
        Select: 'COUNT',
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
}

/** The sort value to resume a due-work query after an item. */
export const dueCursor = (work: WorkItem) => keys.dueSort(work.nextAttemptAt ?? '', `${work.id}\u0000`);

/**
 * Claims pending work that is due: one conditional write that pushes its due time to the end of
 * the lease and counts a try. Of two claimers exactly one wins; a claimer that dies leaves the work
 * due again when the lease ends. Undefined when someone else has it (or it is not due, or finished).
 */
export async function claimWork(
  id: string,
  now: string,
  leaseUntil: string,
  leaseId: string,
): Promise<WorkItem | undefined> {
  try {
    const out = await db.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.work(id),
        UpdateExpression: 'SET #next = :until, #dueSort = :dueSort, #lease = :lease ADD #attempts :one',
        ConditionExpression: '#status = :pending AND #next <= :now',
        ExpressionAttributeNames: {
          '#next': 'nextAttemptAt',
          '#dueSort': INDEXES.byDue.sort,
          '#lease': '_lease',
          '#attempts': 'attempts',
          '#status': 'status',
        },
        ExpressionAttributeValues: {
          ':until': leaseUntil,
          ':lease': leaseId,
          ':dueSort': keys.dueSort(leaseUntil, id),
          ':one': 1,
          ':pending': 'pending',
          ':now': now,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes ? toWork(out.Attributes) : undefined;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

/** Sets claimed work due again at `at`, remembering why the try failed. False when the lease was lost. */
export async function retryWorkAt(
  work: WorkItem,
  lease: string,
  at: string,
  error: string,
): Promise<boolean> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.work(work.id),
        UpdateExpression: 'SET #next = :at, #dueSort = :dueSort, #error = :error REMOVE #lease',
        ConditionExpression: '#lease = :lease',
        ExpressionAttributeNames: {
          '#next': 'nextAttemptAt',
          '#dueSort': INDEXES.byDue.sort,
          '#error': 'lastError',
          '#lease': '_lease',
        },
        ExpressionAttributeValues: {
          ':at': at,
          ':dueSort': keys.dueSort(at, work.id),
          ':error': error.slice(0, 500),
          ':lease': lease,
        },
      }),
    );
    return true;
  } catch (failure) {
    if (isConditionFailure(failure)) return false;
    throw failure;
  }
}

/**
 * Finishes claimed work (done or failed) with what it leads to, in one transaction: the item leaves
 * the due index and drops the payload fields named in `forget` (a sealed token), the events land on
 * the timeline, and follow-up work is scheduled. False when the lease was lost (nothing written).
 */
export async function finishWork(
  work: WorkItem,
  lease: string,
  outcome: {
    status: 'done' | 'failed';
    now: string;
    error?: string;
    result?: Record<string, unknown>;
    forget?: string[];
    events?: DealEvent[];
    follow?: NewWork[];
  },
): Promise<boolean> {
  const names: Record<string, string> = {
    '#status': 'status',
    '#finished': 'finishedAt',
    '#ttl': 'expiresAt',
    '#lease': '_lease',
    '#next': 'nextAttemptAt',
    '#duePk': INDEXES.byDue.partition,
    '#dueSort': INDEXES.byDue.sort,
  };
  const values: Record<string, unknown> = {
    ':status': outcome.status,
    ':now': outcome.now,
    ':ttl': Math.floor(Date.parse(outcome.now) / 1000) + KEEP_FINISHED_S,
    ':lease': lease,
  };
  const sets = ['#status = :status', '#finished = :now', '#ttl = :ttl'];
  const removes = ['#lease', '#next', '#duePk', '#dueSort'];
  if (outcome.error !== undefined) {
    names['#error'] = 'lastError';
    values[':error'] = outcome.error.slice(0, 500);
    sets.push('#error = :error');
  }
  if (outcome.result) {
    names['#result'] = 'result';
    values[':result'] = outcome.result;
    sets.push('#result = :result');
  }
  for (const [i, field] of (outcome.forget ?? []).entries()) {
    if (!(field in work.payload)) continue;
    names['#payload'] = 'payload';
    names[`#f${i}`] = field;
    removes.push(`#payload.#f${i}`);
  }
  const items: TransactItem[] = [
    {
      Update: {
        TableName: table(),
        Key: keys.work(work.id),
        UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
        ConditionExpression: '#lease = :lease',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
    ...(outcome.events ?? []).map((event) =>
      put(eventItem(event), { expression: 'attribute_not_exists(PK)' }),
    ),
    ...(outcome.follow ?? []).map((next) => scheduleWorkItem(next, outcome.now)),
  ];
  const result = await transact(items);
  if (result.ok) return true;
  if (result.failed.includes(0)) return false;
  throw new Error(`work ${work.id}: its events or follow-up work already exist`);
}
