import type { DynamoDBRecord } from 'aws-lambda';
import type { StreamConsumer } from './stream-mapping.ts';

/**
 * Which table stream records each consumer reads. The CDK stack turns these into the event source
 * mappings' filter criteria and the local poller applies them as they are, so `notify` and
 * `aggregate` are invoked for the same records in both places. Type imports only: the stack reads
 * this module at synth time.
 */

/** Outbox entries: events `notify` reads (emails to send, and the reps' activity feed). */
export const OUTBOX_ENTITY = 'Event';

/** Events that call for an email. */
export const EMAIL_TYPES = [
  'quote.sent',
  'quote.resent',
  'quote.viewed',
  'quote.signed',
  'quote.changes_requested',
  'quote.declined',
  'quote.expired',
  'quote.reminder_sent',
] as const;

/**
 * Events that land in the reps' activity feed (`GET /activity`): the customer's actions and the
 * email outcomes a rep must act on. `quote.viewed` counts only with `first: true`.
 */
export const FEED_TYPES = [
  'quote.viewed',
  'quote.signed',
  'quote.changes_requested',
  'quote.declined',
  'quote.expired',
  'email.failed',
] as const;

/** Every event type `notify` is invoked for: the stream filter of its mapping. */
export const OUTBOX_TYPES = [...EMAIL_TYPES, 'email.failed'] as const;

function isEventOf(item: Record<string, unknown>, types: readonly string[]): boolean {
  return item.entity === OUTBOX_ENTITY && types.includes(String(item.type));
}

export function isOutboxEvent(item: Record<string, unknown>): boolean {
  return isEventOf(item, OUTBOX_TYPES);
}

export function isEmailEvent(item: Record<string, unknown>): boolean {
  return isEventOf(item, EMAIL_TYPES);
}

export function isFeedEvent(item: Record<string, unknown>): boolean {
  return isEventOf(item, FEED_TYPES);
}

/**
 * What `notify` reads: every new event of the log. Outbox events become emails; any event can
 * become webhook deliveries (each endpoint picks its types). One reader for both keeps the table
 * stream at two readers per shard (notify, aggregate), DynamoDB's advice to avoid throttling.
 */
export function isNotifyRecord(record: Pick<DynamoDBRecord, 'eventName' | 'dynamodb'>): boolean {
  return record.eventName === 'INSERT' && record.dynamodb?.NewImage?.entity?.S === OUTBOX_ENTITY;
}

/** Report aggregates (`aggregate`): every write to a deal item (inserted, changed or deleted). */
export const AGGREGATE_ENTITY = 'Deal';

/** True for a record of a deal item: its new image (insert, modify) or its old one (remove). */
export function isDealRecord(record: Pick<DynamoDBRecord, 'eventName' | 'dynamodb'>): boolean {
  const image = record.eventName === 'REMOVE' ? record.dynamodb?.OldImage : record.dynamodb?.NewImage;
  return image?.entity?.S === AGGREGATE_ENTITY;
}

/**
 * Which records each stream consumer reads: the cloud mapping's filter criteria (infra/stack.ts) as
 * a predicate, which the local stream poller applies by default, so that every local reader of the
 * stream (npm start, the tests, the benches) reads what the cloud's does.
 */
export const STREAM_FILTERS = {
  notify: isNotifyRecord,
  aggregate: isDealRecord,
} as const satisfies Record<
  StreamConsumer,
  (record: Pick<DynamoDBRecord, 'eventName' | 'dynamodb'>) => boolean
>;
