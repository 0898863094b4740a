import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '#config/logger';
import { observed } from '#config/observability';
import { isOutboxEvent } from '#contracts/streams';
import type { DealEvent } from '#schemas/deals';
import { processOutboxEvent } from '#services/notify';

/**
 * The table stream's consumer (the outbox). Records are handled in order; the first failure and
 * everything after it are reported as batch item failures, so the event source retries them and
 * nothing after a failed record is skipped.
 */
async function handle(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  for (const [i, record] of event.Records.entries()) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || !image) continue;
    const item = unmarshall(image as Record<string, AttributeValue>);
    if (!isOutboxEvent(item)) continue;
    try {
      await processOutboxEvent(item as DealEvent);
    } catch (error) {
      logger.warn('outbox record will be retried', { eventId: item.id, error: error as Error });
      return {
        batchItemFailures: event.Records.slice(i).flatMap((r) =>
          r.dynamodb?.SequenceNumber ? [{ itemIdentifier: r.dynamodb.SequenceNumber }] : [],
        ),
      };
    }
  }
  return { batchItemFailures: [] };
}

/** With the Lambda context and correlation id on every log line, and the metrics published. */
export const handler = observed(handle);
