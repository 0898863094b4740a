import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ActivityItem } from '#schemas/activity';
import { batchPutItems } from './batch.ts';
import { db, table } from './client.ts';
import { newestFirst } from './cursor.ts';
import { isConditionFailure, toResource } from './items.ts';
import { keys } from './keys.ts';
import type { Page } from './records.ts';

/**
 * The reps' activity feed: each feed event is copied into the partition of every reader it
 * concerns (the deal's owner, its observers, and the managers' partition), so a reader's feed is
 * one Query on one partition, newest first, and a rep's partition never holds another rep's deals.
 * Copies are keyed by the event, so writing them again (a retried stream record) changes nothing.
 */

export type FeedEntry = Omit<ActivityItem, 'unread'>;

/** Feed items go after 90 days (TTL); the deal's timeline keeps the events for good. */
const KEPT_SECONDS = 90 * 24 * 60 * 60;

export async function putFeedEntries(partitions: readonly string[], entry: FeedEntry): Promise<void> {
  const expiresAt = Math.floor(Date.parse(entry.at) / 1000) + KEPT_SECONDS;
  await batchPutItems(
    [...new Set(partitions)].map((partition) => ({
      ...entry,
      ...keys.feedItem(partition, entry.at, entry.id),
      entity: 'FeedItem',
      expiresAt,
    })),
  );
}

/** One page of a feed partition, newest first. */
export function queryFeed(
  partition: string,
  cursor: string | undefined,
  limit: number,
): Promise<Page<FeedEntry>> {
  return newestFirst(partition, undefined, cursor, limit, (i) => toResource<FeedEntry>(i));
}

/** How many items of a partition are newer than `readUntil` (a moment), counted up to `cap`. */
export async function countFeedAfter(partition: string, readUntil: string | undefined, cap: number) {
  const out = await db.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: readUntil === undefined ? 'PK = :pk' : 'PK = :pk AND SK > :after',
      // Every sort value of a moment `t` is `t#<id>`: all of them sort before `t#\uffff`.
      ExpressionAttributeValues: {
        ':pk': partition,
        ...(readUntil === undefined ? {} : { ':after': `${readUntil}#\uffff` }),
      },
      Select: 'COUNT',
      Limit: cap,
    }),
  );
  return out.Count ?? 0;
}

export async function getFeedReadUntil(userId: string): Promise<string | undefined> {
  const out = await db.send(
    new GetCommand({ TableName: table(), Key: keys.feedRead(userId), ConsistentRead: true }),
  );
  return typeof out.Item?.readUntil === 'string' ? out.Item.readUntil : undefined;
}

/**
 * Moves a user's read mark forward to `at`, never back (two tabs marking different moments keep
 * the later one). Answers the mark as it stands after the write.
 */
export async function advanceFeedReadUntil(userId: string, at: string): Promise<string> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.feedRead(userId),
        UpdateExpression: 'SET readUntil = :at, entity = :entity',
        ConditionExpression: 'attribute_not_exists(readUntil) OR readUntil < :at',
        ExpressionAttributeValues: { ':at': at, ':entity': 'FeedRead' },
      }),
    );
    return at;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return (await getFeedReadUntil(userId)) ?? at;
  }
}
