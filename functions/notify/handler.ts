import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '#config/logger';
import { observed } from '#config/observability';
import { isEmailEvent, isFeedEvent, isNotifyRecord } from '#contracts/streams';
import type { DealEvent } from '#schemas/deals';
import { recordActivity } from '#services/activity';
import { processOutboxEvent } from '#services/notify';
// The documents its emails attach; it seals the signed copy when it reads quote.signed.
import '#services/email-documents';
import { processWebhookEvent } from '#services/webhooks';

/** Webhook deliveries are tried at once during the first 20 s of an invocation; later ones wait for `deliver`. */
const WEBHOOKS_AT_ONCE_MS = 20_000;

async function processRecord(record: DynamoDBRecord, stopAt: number): Promise<void> {
  const image = record.dynamodb?.NewImage;
  if (!isNotifyRecord(record) || !image) return;
  const item = unmarshall(image as Record<string, AttributeValue>);
  // The feed first: its writes are idempotent, so a record retried after a failed email plan
  // writes the same feed items again and changes nothing.
  if (isFeedEvent(item)) await recordActivity(item as DealEvent);
  if (isEmailEvent(item)) await processOutboxEvent(item as DealEvent);
  await processWebhookEvent(item as DealEvent, stopAt);
}

/**
 * The table stream's consumer (the outbox: emails, the reps' activity feed and webhook deliveries). Each record is processed on its own: a failing one is
 * reported alone as a batch item failure (the mapping retries it, bisecting, then sends it to the
 * dead-letter queue) and never stops the records after it. Processing is idempotent, so records the
 * mapping hands over again after a failure change nothing.
 */
async function handle(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
  const stopAt = Date.now() + WEBHOOKS_AT_ONCE_MS;
  for (const record of event.Records) {
    try {
      await processRecord(record, stopAt);
    } catch (error) {
      const sequenceNumber = record.dynamodb?.SequenceNumber;
      logger.warn('outbox record failed; it will be retried', { sequenceNumber, error: error as Error });
      if (sequenceNumber) batchItemFailures.push({ itemIdentifier: sequenceNumber });
      else throw error;
    }
  }
  return { batchItemFailures };
}

/** With the Lambda context and correlation id on every log line, and the metrics published. */
export const handler = observed(handle);
