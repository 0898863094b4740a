import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, table } from './client.ts';
import { isConditionFailure, patchUpdate } from './items.ts';
import { INDEXES, keys } from './keys.ts';

/**
 * Webhook endpoints: one item each (`WEBHOOK#<id>`), all of them listed through byType in id order.
 * The signing secret is kept sealed with the link key (the table never holds it in clear); a rotated
 * one stays beside it, sealed too, until `previousSecretUntil`.
 */

export interface WebhookRecord {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  description?: string;
  ownerId: string;
  ownerEmail?: string;
  ownerName?: string;
  sealedSecret: string;
  previousSealedSecret?: string;
  previousSecretUntil?: string;
  createdAt: string;
  updatedAt: string;
  /** The first failed try of the current run of failures (cleared by any success). */
  failingSince?: string;
  disabledAt?: string;
  disabledReason?: string;
}

const FIELDS: (keyof WebhookRecord)[] = [
  'id',
  'url',
  'events',
  'active',
  'description',
  'ownerId',
  'ownerEmail',
  'ownerName',
  'sealedSecret',
  'previousSealedSecret',
  'previousSecretUntil',
  'createdAt',
  'updatedAt',
  'failingSince',
  'disabledAt',
  'disabledReason',
];

function toRecord(item: Record<string, unknown>): WebhookRecord {
  return Object.fromEntries(
    FIELDS.filter((f) => item[f] !== undefined).map((f) => [f, item[f]]),
  ) as unknown as WebhookRecord;
}

export async function putWebhook(record: WebhookRecord): Promise<void> {
  await db.send(
    new PutCommand({
      TableName: table(),
      Item: { ...keys.webhook(record.id), ...keys.webhookIndex(record.id), entity: 'Webhook', ...record },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

export async function getWebhook(id: string): Promise<WebhookRecord | undefined> {
  const out = await db.send(
    new GetCommand({ TableName: table(), Key: keys.webhook(id), ConsistentRead: true }),
  );
  return out.Item ? toRecord(out.Item) : undefined;
}

/** A page of endpoints in id order (creation order), after `after`. */
export async function listWebhooks(
  limit: number,
  after?: string,
): Promise<{ items: WebhookRecord[]; last?: string }> {
  const out = await db.send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'byType',
      KeyConditionExpression: after ? '#pk = :pk AND #sk > :after' : '#pk = :pk',
      ExpressionAttributeNames: {
        '#pk': INDEXES.byType.partition,
        ...(after ? { '#sk': INDEXES.byType.sort } : {}),
      },
      ExpressionAttributeValues: { ':pk': keys.webhookPartition(), ...(after ? { ':after': after } : {}) },
      Limit: limit + 1,
    }),
  );
  const rows = (out.Items ?? []).map(toRecord);
  const items = rows.slice(0, limit);
  return rows.length > limit ? { items, last: items.at(-1)?.id } : { items };
}

/** Sets fields of an endpoint (`null` removes one) and `updatedAt`. Undefined when it does not exist. */
export async function updateWebhook(
  id: string,
  changes: {
    [K in keyof Omit<WebhookRecord, 'id' | 'createdAt' | 'ownerId' | 'updatedAt'>]?: WebhookRecord[K] | null;
  },
  now: string,
): Promise<WebhookRecord | undefined> {
  try {
    const out = await db.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.webhook(id),
        ...patchUpdate(changes, now),
        ConditionExpression: 'attribute_exists(PK)',
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes ? toRecord(out.Attributes) : undefined;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

export async function deleteWebhook(id: string): Promise<boolean> {
  try {
    await db.send(
      new DeleteCommand({
        TableName: table(),
        Key: keys.webhook(id),
        ConditionExpression: 'attribute_exists(PK)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Records a failed try: the run of failures starts now unless it already had. Its start, or undefined (deleted). */
export async function markWebhookFailing(id: string, now: string): Promise<WebhookRecord | undefined> {
  try {
    const out = await db.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.webhook(id),
        UpdateExpression: 'SET #since = if_not_exists(#since, :now)',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#since': 'failingSince' },
        ExpressionAttributeValues: { ':now': now },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes ? toRecord(out.Attributes) : undefined;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

/** A success ends the run of failures (one write, only when there was one). */
export async function markWebhookHealthy(id: string): Promise<void> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.webhook(id),
        UpdateExpression: 'REMOVE #since',
        ConditionExpression: 'attribute_exists(#since)',
        ExpressionAttributeNames: { '#since': 'failingSince' },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** Switches an active endpoint off. True for the one caller that did it (who then tells the owner). */
export async function disableWebhook(id: string, now: string, reason: string): Promise<boolean> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.webhook(id),
        UpdateExpression: 'SET #active = :off, #at = :now, #reason = :reason, #updated = :now',
        ConditionExpression: '#active = :on',
        ExpressionAttributeNames: {
          '#active': 'active',
          '#at': 'disabledAt',
          '#reason': 'disabledReason',
          '#updated': 'updatedAt',
        },
        ExpressionAttributeValues: {
          ':off': false,
          ':on': true,
          ':now': now,
          ':reason': reason.slice(0, 500),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
