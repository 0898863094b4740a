import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db, table } from './client.ts';
import type { Key } from './keys.ts';

/** Calls in flight per batch operation: a 10,000-row import reads its 100 groups in a fraction of the time. */
const PARALLEL = 4;
/** Rounds of retrying what DynamoDB left unprocessed (throttling) before giving up. */
const MAX_ATTEMPTS = 10;

/** DynamoDB kept throttling a batch write: some of its items may be written, others not. */
export class ThrottledError extends Error {}

/** Throttling the SDK gave up retrying: the batch is retried whole, like unprocessed items. */
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

const pause = (attempt: number) =>
  new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2)));

function groupsOf<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}

async function inGroups<T>(groups: T[][], run: (group: T[]) => Promise<void>): Promise<void> {
  for (let i = 0; i < groups.length; i += PARALLEL) await Promise.all(groups.slice(i, i + PARALLEL).map(run));
}

/**
 * Reads items by key, 100 a call (BatchGetItem's limit), a few calls in flight, retrying the keys
 * DynamoDB leaves unprocessed with a growing pause. Duplicate keys are read once; missing items are
 * simply absent from the answer. Eventually consistent unless asked: pass `consistent: true` when
 * the items feed a validation or a write.
 */
export async function batchGetItems(
  itemKeys: readonly Key[],
  options: { consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const seen = new Set<string>();
  const unique = itemKeys.filter((k) => {
    const id = `${k.PK}\u0000${k.SK}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const found: Record<string, unknown>[] = [];
  const groups = groupsOf(
    unique.map((k) => ({ PK: k.PK, SK: k.SK })),
    100,
  );
  await inGroups(groups, async (group) => {
    let pending: Record<string, unknown>[] = group;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error('DynamoDB left keys unprocessed after retries');
      if (attempt > 0) await pause(attempt);
      const out = await db.send(
        new BatchGetCommand({
          RequestItems: { [table()]: { Keys: pending, ConsistentRead: options.consistent ?? false } },
        }),
      );
      found.push(...(out.Responses?.[table()] ?? []));
      pending = (out.UnprocessedKeys?.[table()]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
  });
  return found;
}

/**
 * Writes whole items, 25 a call (BatchWriteItem's limit), a few calls in flight, retrying what
 * DynamoDB leaves unprocessed (throttling) with a growing, jittered pause; throws ThrottledError
 * when it keeps doing so. Unconditional: a put replaces an item with the same key. Items with the
 * same key must not appear twice. Not atomic: when it throws, some items may be written, so callers
 * order their writes to survive that.
 */
export async function batchPutItems(items: readonly Record<string, unknown>[]): Promise<void> {
  await inGroups(groupsOf(items, 25), async (group) => {
    let pending = group.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new ThrottledError('DynamoDB left items unprocessed after retries');
      if (attempt > 0) await pause(attempt);
      try {
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [table()]: pending } }));
        pending = (out.UnprocessedItems?.[table()] as typeof pending | undefined) ?? [];
      } catch (error) {
        if (!THROTTLING.has((error as Error).name)) throw error;
      }
    }
  });
}
