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

/** Given-up batches waiting for a replay: files under DATA_DIR locally, an SQS queue in the cloud. */
export interface DeadLetterSource {
  /** Where they are (a directory, a queue URL), for messages. */
  where: string;
  /**
   * The letters, each with its records. An entry with `problem` could not be read back (its
   * records left the stream): it is reported, never handed to the handler, never removed.
   */
  list(): Promise<DeadLetterEntry[]> | DeadLetterEntry[];
  /** Called once the letter's records all went through. */
  remove(id: string): Promise<void> | void;
}

export interface DeadLetterEntry {
  /** The file name, or the message's receipt handle. */
  id: string;
  letter: DeadLetter;
  problem?: string;
}

export interface DeadLetterStore extends DeadLetterSource {
  dir: string;
  /** Keeps a given-up batch (the poller's `onDropped`). */
  put(dropped: DroppedBatch): void;
  list(): DeadLetterEntry[];
}

const arrival = (record: DynamoDBRecord | undefined) =>
  record?.dynamodb?.ApproximateCreationDateTime !== undefined
    ? new Date(record.dynamodb.ApproximateCreationDateTime * 1000).toISOString()
    : undefined;

export function fileDeadLetters(dir: string, functionName: string): DeadLetterStore {
  return {
    dir,
    where: dir,
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
        id: file,
        letter: JSON.parse(readFileSync(join(dir, file), 'utf8')) as DeadLetter,
      }));
    },
    remove(id) {
      rmSync(join(dir, id), { force: true });
    },
  };
}

export interface ReplayResult {
  letters: number;
  records: number;
  /** Letters still failing (or unreadable): kept for the next replay. */
  failed: { id: string; error: string }[];
}

/**
 * Hands each dead letter's records to the handler again, as one Lambda invocation each; a letter
 * whose records all succeed is removed, one that fails again stays. Processing is idempotent, so a
 * replay of records that meanwhile went through changes nothing. The same loop serves the local
 * files and the cloud's queue (`infra/ops/dead-letter-queue.ts`).
 */
export async function replayDeadLetters(
  source: DeadLetterSource,
  handler: StreamHandler,
  functionName: string,
): Promise<ReplayResult> {
  const result: ReplayResult = { letters: 0, records: 0, failed: [] };
  for (const { id, letter, problem } of await source.list()) {
    result.letters++;
    result.records += letter.records.length;
    if (problem !== undefined) {
      result.failed.push({ id, error: problem });
      continue;
    }
    try {
      const answer = await handler({ Records: letter.records }, lambdaContext(functionName, 900_000));
      const failedFrom = firstFailure(answer, letter.records);
      if (failedFrom !== undefined) {
        result.failed.push({
          id,
          error: `records from ${letter.records[failedFrom]?.dynamodb?.SequenceNumber} failed again`,
        });
        continue;
      }
      await source.remove(id);
    } catch (error) {
      result.failed.push({ id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}
