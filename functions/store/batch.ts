import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { db, table } from './client.ts';
import type { Key } from './keys.ts';

/**
 * Reads items by key, 100 a call (BatchGetItem's limit), retrying the keys DynamoDB leaves
 * unprocessed with a growing pause. Missing items are simply absent from the answer.
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
  const groups: Record<string, unknown>[][] = [];
  for (let i = 0; i < unique.length; i += 100) {
    groups.push(unique.slice(i, i + 100).map((k) => ({ PK: k.PK, SK: k.SK })));
  }
  const found: Record<string, unknown>[] = [];
  // A few calls in flight: a 10,000-row import reads its 100 groups in a fraction of the time.
  for (let i = 0; i < groups.length; i += PARALLEL) {
    const results = await Promise.all(
      groups.slice(i, i + PARALLEL).map((g) => readGroup(g, options.consistent ?? true)),
    );
    for (const items of results) found.push(...items);
  }
  return found;
}

const PARALLEL = 4;

async function readGroup(
  group: Record<string, unknown>[],
  consistent: boolean,
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  let pending = group;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
    const out = await db.send(
      new BatchGetCommand({ RequestItems: { [table()]: { Keys: pending, ConsistentRead: consistent } } }),
    );
    found.push(...(out.Responses?.[table()] ?? []));
    pending = (out.UnprocessedKeys?.[table()]?.Keys as Record<string, unknown>[] | undefined) ?? [];
  }
  return found;
}
