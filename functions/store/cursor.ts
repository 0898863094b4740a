import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { BadRequestError } from '#domain/errors';
import { db, table } from './client.ts';

/** Cursors are opaque to clients: the last sort key seen, base64url-encoded. */
export function encodeCursor(sortKey: string): string {
  return Buffer.from(JSON.stringify({ k: sortKey }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && 'k' in parsed && typeof parsed.k === 'string')
      return parsed.k;
  } catch {
    // fall through: any undecodable cursor is the client's mistake
  }
  throw new BadRequestError('the cursor is not valid: use nextCursor from a previous page');
}

/**
 * A page from a query that asked for `limit + 1` items: the extra one, when it comes back, says
 * there is a next page (so the last page never carries a cursor to an empty one).
 */
export function pageOf<T>(
  items: Record<string, unknown>[] | undefined,
  limit: number,
  sortKeyOf: (item: Record<string, unknown>) => unknown,
  toItem: (item: Record<string, unknown>) => T,
): { items: T[]; nextCursor?: string } {
  const rows = (items ?? []).slice(0, limit);
  const last = rows.at(-1);
  const page = { items: rows.map(toItem) };
  return (items?.length ?? 0) > limit && last
    ? { ...page, nextCursor: encodeCursor(String(sortKeyOf(last))) }
    : page;
}

/**
 * One page of a base-table partition, newest (highest sort key) first, optionally only the sort keys
 * under a prefix: a deal's events, a reader's activity feed. The cursor is the last sort key read.
 */
export async function newestFirst<T>(
  partition: string,
  prefix: string | undefined,
  cursor: string | undefined,
  limit: number,
  toItem: (item: Record<string, unknown>) => T,
  options: { consistent?: boolean } = {},
): Promise<{ items: T[]; nextCursor?: string }> {
  const before = decodeCursor(cursor);
  const out = await db.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: prefix === undefined ? 'PK = :pk' : 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': partition, ...(prefix === undefined ? {} : { ':prefix': prefix }) },
      ...(before ? { ExclusiveStartKey: { PK: partition, SK: before } } : {}),
      ScanIndexForward: false,
      // One more than asked: whether it comes back tells if there is a next page.
      Limit: limit + 1,
      ...(options.consistent ? { ConsistentRead: true } : {}),
    }),
  );
  return pageOf(out.Items, limit, (i) => i.SK, toItem);
}
