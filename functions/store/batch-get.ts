import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { db, table } from './client.ts';
import type { Key } from './keys.ts';

/**
 * Many items by key in as few round trips as DynamoDB allows (100 keys per BatchGetItem), retrying
 * what it leaves unprocessed. Missing items are simply absent from the result.
 */
export async function batchGet(
  keys: readonly Key[],
  options: { consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = keys
      .slice(i, i + 100)
      .map((k) => ({ PK: k.PK, SK: k.SK }));
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const out = await db.send(
        new BatchGetCommand({
          RequestItems: { [table()]: { Keys: pending, ConsistentRead: options.consistent ?? false } },
        }),
      );
      found.push(...(out.Responses?.[table()] ?? []));
      pending = out.UnprocessedKeys?.[table()]?.Keys as Record<string, unknown>[] | undefined;
      if (attempt > 8 && pending?.length) throw new Error('DynamoDB left keys unprocessed after retries');
    }
  }
  return found;
}
