import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import { lambdaContext } from './lambda.ts';
import { type DroppedBatch, firstFailure, type StreamHandler } from './stream-poller.ts';

/**
 * The local failure destination of a stream mapping: one JSON file per given-up batch under
 * DATA_DIR/dead-letters/<function>/, in the shape of the record Lambda sends to an on-failure SQS
 * destination (`requestContext`, `DDBStreamBatchInfo`), plus the records themselves, so a replay
 * does not depend on the stream's 24-hour retention. `npm run replay` processes them again.
 */

/** Where a local consumer keeps its dead letters. */
export function deadLetterDir(dataDir: string, fn: string): string {
  return join(dataDir, 'dead-letters', fn);
}

export interface DeadLetter {
  version: '1.0';
  timestamp: string;
  requestContext: {
    functionArn: string;
    condition: DroppedBatch['condition'];
    approximateInvokeCount: number;
  };
  responseContext: { errorMessage: string };
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord?: string;
    approximateArrivalOfLastRecord?: string;
    batchSize: number;
    streamArn: string;
  };
  records: DynamoDBRecord[];
}

export interface DeadLetterStore {
  dir: string;
  /** Keeps a given-up batch (the poller's `onDropped`). */
  put(dropped: DroppedBatch): void;
  list(): { file: string; letter: DeadLetter }[];
  remove(file: string): void;
}

const arrival = (record: DynamoDBRecord | undefined) =>
  record?.dynamodb?.ApproximateCreationDateTime !== undefined
    ? new Date(record.dynamodb.ApproximateCreationDateTime * 1000).toISOString()
    : undefined;

export function fileDeadLetters(dir: string, functionName: string): DeadLetterStore {
  return {
    dir,
    put(dropped) {
      const first = dropped.records[0];
      const last = dropped.records.at(-1);
      const letter: DeadLetter = {
        version: '1.0',
        timestamp: new Date().toISOString(),
        requestContext: {
          functionArn: `arn:aws:lambda:local:000000000000:function:closer-local-${functionName}`,
          condition: dropped.condition,
          approximateInvokeCount: dropped.attempts,
        },
        responseContext: {
          errorMessage: dropped.error instanceof Error ? dropped.error.message : String(dropped.error),
        },
        DDBStreamBatchInfo: {
          shardId: dropped.shardId,
          startSequenceNumber: first?.dynamodb?.SequenceNumber ?? '',
          endSequenceNumber: last?.dynamodb?.SequenceNumber ?? '',
          ...(arrival(first) ? { approximateArrivalOfFirstRecord: arrival(first) } : {}),
          ...(arrival(last) ? { approximateArrivalOfLastRecord: arrival(last) } : {}),
          batchSize: dropped.records.length,
          streamArn: first?.eventSourceARN ?? '',
        },
        records: dropped.records,
      };
      mkdirSync(dir, { recursive: true });
      const name = `${Date.now()}-${letter.DDBStreamBatchInfo.startSequenceNumber || 'batch'}.json`;
      // Write then rename: a crash never leaves half a letter behind.
      writeFileSync(join(dir, `${name}.tmp`), JSON.stringify(letter, null, 2));
      renameSync(join(dir, `${name}.tmp`), join(dir, name));
    },
    list() {
      let names: string[];
      try {
        names = readdirSync(dir).filter((n) => n.endsWith('.json'));
      } catch {
        return [];
      }
      return names.sort().map((file) => ({
        file,
        letter: JSON.parse(readFileSync(join(dir, file), 'utf8')) as DeadLetter,
      }));
    },
    remove(file) {
      rmSync(join(dir, file), { force: true });
    },
  };
}

export interface ReplayResult {
  letters: number;
  records: number;
  /** Letters still failing: kept for the next replay. */
  failed: { file: string; error: string }[];
}

/**
 * Hands each dead letter's records to the handler again, as one Lambda invocation each; a letter
 * whose records all succeed is removed, one that fails again stays. Processing is idempotent, so a
 * replay of records that meanwhile went through changes nothing.
 */
export async function replayDeadLetters(
  store: DeadLetterStore,
  handler: StreamHandler,
  functionName: string,
): Promise<ReplayResult> {
  const result: ReplayResult = { letters: 0, records: 0, failed: [] };
  for (const { file, letter } of store.list()) {
    result.letters++;
    result.records += letter.records.length;
    try {
      const answer = await handler({ Records: letter.records }, lambdaContext(functionName, 900_000));
      const failedFrom = firstFailure(answer, letter.records);
      if (failedFrom !== undefined) {
        result.failed.push({
          file,
          error: `records from ${letter.records[failedFrom]?.dynamodb?.SequenceNumber} failed again`,
        });
        continue;
      }
      store.remove(file);
    } catch (error) {
      result.failed.push({ file, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}
