import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { db, table } from './client.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Attributes that exist for the table's sake and never reach a client. */
const INTERNAL = /^(PK|SK|GSI\d+PK|GSI\d+SK|entity|expiresAt|_.*)$/;

export function toResource<T>(item: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !INTERNAL.test(k))) as T;
}

/**
 * Runs a transaction and reports which items' conditions failed (by position), so each store
 * function can turn that into the domain error that fits. Other failures propagate.
 */
export async function transact(
  items: TransactItem[],
): Promise<{ ok: true } | { ok: false; failed: number[] }> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items }));
    return { ok: true };
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
      if (failed.length > 0) return { ok: false, failed };
    }
    throw error;
  }
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException;
}

/** A Put inside a transaction, on this table. */
export function put(
  item: Record<string, unknown>,
  condition?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
): TransactItem {
  return {
    Put: {
      TableName: table(),
      Item: item,
      ...(condition
        ? {
            ConditionExpression: condition.expression,
            ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
            ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
          }
        : {}),
    },
  };
}

/**
 * The key condition of a query on one partition, its sort key between `lo` and `hi` (both
 * inclusive, either optional): the parts a QueryCommand takes, or undefined when the range is
 * empty (DynamoDB refuses a BETWEEN whose bounds are reversed).
 */
export function keyRange(
  index: { partition: string; sort: string },
  partition: string,
  lo?: string,
  hi?: string,
) {
  if (lo !== undefined && hi !== undefined && lo > hi) return undefined;
  const values: Record<string, unknown> = { ':pk': partition };
  let condition = '#pk = :pk';
  if (lo !== undefined && hi !== undefined) {
    condition += ' AND #sk BETWEEN :lo AND :hi';
    Object.assign(values, { ':lo': lo, ':hi': hi });
  } else if (lo !== undefined) {
    condition += ' AND #sk >= :lo';
    values[':lo'] = lo;
  } else if (hi !== undefined) {
    condition += ' AND #sk <= :hi';
    values[':hi'] = hi;
  }
  return {
    KeyConditionExpression: condition,
    ExpressionAttributeNames: {
      '#pk': index.partition,
      ...(condition.includes('#sk') ? { '#sk': index.sort } : {}),
    },
    ExpressionAttributeValues: values,
  };
}

/**
 * The update of a patch: sets `updatedAt` and the given fields, removes the ones given as null,
 * leaves the ones given as undefined. One expression, so concurrent patches of different fields
 * never overwrite each other.
 */
export function patchUpdate(patch: Record<string, unknown>, now: string) {
  const names: Record<string, string> = { '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':updatedAt': now };
  const sets = ['#updatedAt = :updatedAt'];
  const removes: string[] = [];
  for (const [i, [field, value]] of Object.entries(patch).entries()) {
    if (value === undefined) continue;
    names[`#f${i}`] = field;
    if (value === null) removes.push(`#f${i}`);
    else {
      values[`:v${i}`] = value;
      sets.push(`#f${i} = :v${i}`);
    }
  }
  return {
    UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
