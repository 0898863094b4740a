import type { DynamoDBRecord } from 'aws-lambda';

/**
 * Which stream records feed the report aggregates: every write to a deal item (inserted, changed or
 * deleted). The CDK stack turns this into the stream mapping's filter criteria and the local poller
 * applies it as is. Type imports only: the stack reads it at synth time.
 */
export const AGGREGATE_ENTITY = 'Deal';

/** True for a record of a deal item: its new image (insert, modify) or its old one (remove). */
export function isDealRecord(record: Pick<DynamoDBRecord, 'eventName' | 'dynamodb'>): boolean {
  const image = record.eventName === 'REMOVE' ? record.dynamodb?.OldImage : record.dynamodb?.NewImage;
  return image?.entity?.S === AGGREGATE_ENTITY;
}
