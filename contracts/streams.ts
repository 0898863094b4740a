import type { DynamoDBRecord } from 'aws-lambda';

/**
 * Which table stream records each consumer reads. The CDK stack turns these into the event source
 * mappings' filter criteria and the local poller applies them as they are, so `notify` and
 * `aggregate` are invoked for the same records in both places. Type imports only: the stack reads
 * this module at synth time.
 */

/** Outbox entries: events that call for an email (`notify`). */
export const OUTBOX_ENTITY = 'Event';

export const OUTBOX_TYPES = [
  'quote.sent',
  'quote.resent',
  'quote.viewed',
  'quote.signed',
  'quote.changes_requested',
  'quote.declined',
  'quote.expired',
  'quote.reminder_sent',
] as const;

export function isOutboxEvent(item: Record<string, unknown>): boolean {
  return item.entity === OUTBOX_ENTITY && (OUTBOX_TYPES as readonly string[]).includes(String(item.type));
}

/** Report aggregates (`aggregate`): every write to a deal item (inserted, changed or deleted). */
export const AGGREGATE_ENTITY = 'Deal';

/** True for a record of a deal item: its new image (insert, modify) or its old one (remove). */
export function isDealRecord(record: Pick<DynamoDBRecord, 'eventName' | 'dynamodb'>): boolean {
  const image = record.eventName === 'REMOVE' ? record.dynamodb?.OldImage : record.dynamodb?.NewImage;
  return image?.entity?.S === AGGREGATE_ENTITY;
}
