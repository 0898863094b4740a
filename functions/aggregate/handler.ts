import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '#config/logger';
import { observed } from '#config/observability';
import { isDealRecord } from '#contracts/streams';
import { type DealChange, factsOf } from '#domain/reports';
import { applyDealChanges } from '#services/reports';

/** A stream record of a deal item as a change: the new image, or the old one for a deletion. */
export function changeOf(record: DynamoDBRecord): DealChange | undefined {
  if (!isDealRecord(record)) return undefined;
  const deleted = record.eventName === 'REMOVE';
  const image = deleted ? record.dynamodb?.OldImage : record.dynamodb?.NewImage;
  if (!image) return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>);
  const version = Number(item.version);
  if (typeof item.id !== 'string' || !Number.isInteger(version)) {
    logger.warn('deal record without id or version ignored', { eventID: record.eventID });
    return undefined;
  }
  if (deleted) return { dealId: item.id, version, deleted };
  const facts = factsOf(item);
  if (!facts) logger.warn('deal record without report fields: counted as nothing', { dealId: item.id });
  return { dealId: item.id, version, deleted, ...(facts ? { facts } : {}) };
}

/**
 * The report aggregates' stream consumer. The whole batch is applied as one set of changes (the
 * latest state of each deal, compared with what the aggregates hold of it), so a batch that is
 * delivered again, in part or in full, changes nothing the second time. On failure every record is
 * reported, and the retry finds what was applied already.
 */
async function handle(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const changes = event.Records.flatMap((r) => changeOf(r) ?? []);
  try {
    const result = await applyDealChanges(changes);
    logger.debug('aggregates applied', { records: event.Records.length, ...result });
    return { batchItemFailures: [] };
  } catch (error) {
    logger.warn('aggregate batch will be retried', { error: error as Error });
    return {
      batchItemFailures: event.Records.flatMap((r) =>
        r.dynamodb?.SequenceNumber ? [{ itemIdentifier: r.dynamodb.SequenceNumber }] : [],
      ),
    };
  }
}

/** With the Lambda context and correlation id on every log line, and the metrics published. */
export const handler = observed(handle);
