import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '#config/logger';
import { observed } from '#config/observability';
import { isOutboxEvent } from '#contracts/streams';
import type { DealEvent } from '#schemas/deals';
import { processOutboxEvent } from '#services/notify';

async function processRecord(record: DynamoDBRecord): Promise<void> {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return;
  const item = unmarshall(image as Record<string, AttributeValue>);
  if (!isOutboxEvent(item)) return;
  await processOutboxEvent(item as DealEvent);
}

/**
 * The table stream's consumer (the outbox). Each record is processed on its own: a failing one is
 * reported alone as a batch item failure (the mapping retries it, bisecting, then sends it to the
 * dead-letter queue) and never stops the records after it. Processing is idempotent, so records the
 * mapping hands over again after a failure change nothing.
 */
async function handle(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      await processRecord(record);
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
