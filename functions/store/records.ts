import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '#domain/errors';
import { batchGetItems } from './batch.ts';
import { db, table } from './client.ts';
import { decodeCursor, pageOf } from './cursor.ts';
import { isConditionFailure, patchUpdate, put, toResource, transact } from './items.ts';
import { type Collection, INDEXES, keys } from './keys.ts';

/** Plain records (contacts, companies, products, pipelines): one item each, listed in id order. */

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

const label: Record<Collection, string> = {
  Pipeline: 'pipeline',
  Contact: 'contact',
  Company: 'company',
  Product: 'product',
};

export function recordItem(
  collection: Collection,
  record: { id: string },
  internal: Record<string, unknown> = {},
) {
  return {
    ...record,
    ...internal,
    ...keys.record(collection, record.id),
    ...keys.recordIndex(collection, record.id),
    entity: collection,
  };
}

export async function getRecordItem(
  collection: Collection,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  const out = await db.send(
    new GetCommand({ TableName: table(), Key: keys.record(collection, id), ConsistentRead: true }),
  );
  return out.Item;
}

export async function getRecord<T>(collection: Collection, id: string): Promise<T> {
  const item = await getRecordItem(collection, id);
  if (!item) throw new NotFoundError(`no ${label[collection]} ${id}`);
  return toResource<T>(item);
}

/** Records by id, batched (strongly consistent: they feed validation); missing ids are absent. */
export async function getRecords<T extends { id: string }>(
  collection: Collection,
  ids: readonly string[],
): Promise<Map<string, T>> {
  const unique = [...new Set(ids)];
  const items = await batchGetItems(
    unique.map((id) => keys.record(collection, id)),
    { consistent: true },
  );
  return new Map(items.map((item) => [String(item.id), toResource<T>(item)] as const));
}

export async function createRecord<T extends { id: string }>(collection: Collection, record: T): Promise<T> {
  const result = await transact([
    put(recordItem(collection, record), { expression: 'attribute_not_exists(PK)' }),
  ]);
  if (!result.ok) throw new Error(`duplicate ${label[collection]} id ${record.id}`);
  return record;
}

/**
 * Sets the given fields and removes the ones given as null, in one conditional update: concurrent
 * patches of different fields never overwrite each other.
 */
export async function patchRecord<T>(
  collection: Collection,
  id: string,
  patch: Record<string, unknown>,
  now: string,
): Promise<T> {
  try {
    const out = await db.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.record(collection, id),
        ...patchUpdate(patch, now),
        ConditionExpression: 'attribute_exists(PK)',
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toResource<T>(out.Attributes ?? {});
  } catch (error) {
    if (isConditionFailure(error)) throw new NotFoundError(`no ${label[collection]} ${id}`);
    throw error;
  }
}

export async function listRecords<T>(
  collection: Collection,
  cursor: string | undefined,
  limit: number,
): Promise<Page<T>> {
  const after = decodeCursor(cursor);
  const index = INDEXES.byType;
  const out = await db.send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'byType',
      KeyConditionExpression: after ? '#pk = :pk AND #sk > :after' : '#pk = :pk',
      ExpressionAttributeNames: { '#pk': index.partition, ...(after ? { '#sk': index.sort } : {}) },
      ExpressionAttributeValues: {
        ':pk': keys.collectionPartition(collection),
        ...(after ? { ':after': after } : {}),
      },
      // One more than asked: whether it comes back tells if there is a next page.
      Limit: limit + 1,
    }),
  );
  return pageOf(
    out.Items,
    limit,
    (i) => i[index.sort],
    (i) => toResource<T>(i),
  );
}
