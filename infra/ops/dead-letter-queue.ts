import {
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBRecord } from 'aws-lambda';
import type { DeadLetter, DeadLetterEntry, DeadLetterSource } from '../local/dead-letters.ts';
import { type StreamHandler, toLambdaRecord } from '../local/stream-poller.ts';

/**
 * The cloud's failure destination as a source of dead letters for `replayDeadLetters`. Lambda sends
 * an SQS message per given-up batch that names the records (shard, first and last sequence number)
 * without carrying them; this reads them back from the table's stream, which keeps them 24 hours
 * (the mappings' maximum record age leaves the rest of that time to replay). The queue and the
 * stream are interfaces so that the stream side runs against DynamoDB Local in the tests; the SQS
 * side is the few lines of `sqsQueue`.
 */

export interface QueueMessage {
  /** What deletes the message (its receipt handle). */
  id: string;
  body: string;
}

export interface DeadLetterQueue {
  url: string;
  /** Up to 10 messages, hidden from other readers while the replay runs. */
  receive(): Promise<QueueMessage[]>;
  delete(id: string): Promise<void>;
}

/** Pages of GetRecords read before giving up on reaching the end of a batch. */
const MAX_PAGES = 1_000;

/** DynamoDB stream sequence numbers are decimal strings of up to 40 digits. */
const seq = (value: string | undefined) => BigInt(value ?? '0');

/**
 * The records of one given-up batch, from its first to its last sequence number, as Lambda delivers
 * them. Throws `TrimmedDataAccessException` when they have left the stream.
 */
export async function readBatch(
  streams: DynamoDBStreamsClient,
  info: DeadLetter['DDBStreamBatchInfo'],
): Promise<DynamoDBRecord[]> {
  const started = await streams.send(
    new GetShardIteratorCommand({
      StreamArn: info.streamArn,
      ShardId: info.shardId,
      ShardIteratorType: 'AT_SEQUENCE_NUMBER',
      SequenceNumber: info.startSequenceNumber,
    }),
  );
  const end = seq(info.endSequenceNumber);
  const records: DynamoDBRecord[] = [];
  let iterator = started.ShardIterator;
  for (let page = 0; iterator && page < MAX_PAGES; page++) {
    const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    for (const record of out.Records ?? []) {
      if (seq(record.dynamodb?.SequenceNumber) > end) return records;
      records.push(toLambdaRecord(record, info.streamArn));
    }
    if (records.length >= info.batchSize) return records;
    // An empty page at the end of a closed shard has no next iterator; an open one may page on.
    if ((out.Records ?? []).length === 0 && records.length > 0) return records;
    iterator = out.NextShardIterator;
  }
  return records;
}

/** Parses one message body: Lambda's on-failure record for a stream batch. */
function parseLetter(body: string): DeadLetter | undefined {
  try {
    const parsed = JSON.parse(body) as Partial<DeadLetter>;
    const info = parsed.DDBStreamBatchInfo;
    if (!info || typeof info.shardId !== 'string' || typeof info.startSequenceNumber !== 'string') {
      return undefined;
    }
    return { ...(parsed as DeadLetter), records: [] };
  } catch {
    return undefined;
  }
}

export function queueDeadLetters(options: {
  queue: DeadLetterQueue;
  streams: DynamoDBStreamsClient;
  /** Stop after this many messages (default: until the queue answers empty). */
  max?: number;
}): DeadLetterSource {
  const { queue, streams, max = Number.POSITIVE_INFINITY } = options;
  return {
    where: queue.url,
    async list() {
      const entries: DeadLetterEntry[] = [];
      while (entries.length < max) {
        const messages = await queue.receive();
        if (messages.length === 0) break;
        for (const message of messages) {
          const letter = parseLetter(message.body);
          if (!letter) {
            entries.push({
              id: message.id,
              letter: emptyLetter(),
              problem: 'not a Lambda stream on-failure record: left in the queue',
            });
            continue;
          }
          try {
            const records = await readBatch(streams, letter.DDBStreamBatchInfo);
            entries.push(
              records.length === 0
                ? { id: message.id, letter, problem: 'no record found at these sequence numbers' }
                : { id: message.id, letter: { ...letter, records } },
            );
          } catch (error) {
            const problem =
              error instanceof TrimmedDataAccessException
                ? 'its records have left the stream (24 h retention): they cannot be replayed'
                : `cannot read its records from the stream: ${error instanceof Error ? error.message : String(error)}`;
            entries.push({ id: message.id, letter, problem });
          }
        }
      }
      return entries;
    },
    remove: (id) => queue.delete(id),
  };
}

function emptyLetter(): DeadLetter {
  return {
    version: '1.0',
    timestamp: '',
    requestContext: { functionArn: '', condition: 'RetryAttemptsExhausted', approximateInvokeCount: 0 },
    responseContext: { errorMessage: '' },
    DDBStreamBatchInfo: {
      shardId: '',
      startSequenceNumber: '',
      endSequenceNumber: '',
      batchSize: 0,
      streamArn: '',
    },
    records: [],
  };
}

/** The dead-letter queue through SQS: 10 messages at a time, hidden 15 minutes while replayed. */
export function sqsQueue(sqs: SQSClient, url: string): DeadLetterQueue {
  return {
    url,
    async receive() {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 900,
        }),
      );
      return (out.Messages ?? []).map((m) => ({ id: m.ReceiptHandle ?? '', body: m.Body ?? '' }));
    },
    async delete(id) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: id }));
    },
  };
}

/**
 * The deployed function as a stream handler: one synchronous invocation with the records, its
 * partial batch response returned; a function error is thrown, so the letter stays.
 */
export function lambdaHandler(lambda: LambdaClient, functionName: string): StreamHandler {
  return async (event) => {
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    const answer: unknown = text === '' ? undefined : JSON.parse(text);
    if (out.FunctionError) {
      const message = (answer as { errorMessage?: unknown } | undefined)?.errorMessage;
      throw new Error(`${functionName} failed (${out.FunctionError}): ${String(message ?? text)}`);
    }
    return answer;
  };
}
