import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { getStringFromEnv } from '#config/env';
import { STREAM_MAPPINGS } from '#contracts/stream-mapping';
import {
  type DeadLetter,
  deadLetterDir,
  fileDeadLetters,
  replayDeadLetters,
} from '#infra/local/dead-letters';
import { localClient } from '#infra/local/dynamodb';
import {
  type DroppedBatch,
  type StreamPoller,
  type StreamPollerOptions,
  startStreamPoller,
} from '#infra/local/stream-poller';
import { type DeadLetterQueue, queueDeadLetters } from '#infra/ops/dead-letter-queue';

const endpoint = getStringFromEnv('DYNAMODB_ENDPOINT');
const tableName = getStringFromEnv('TABLE_NAME');
const client = localClient(endpoint);
const dirs: string[] = [];
const pollers: StreamPoller[] = [];

/** Each test's own key prefix: the table and its stream are shared with every other test file. */
function prefix(): string {
  return `LOCALSTREAM#${ulid()}#`;
}

function pkOf(record: DynamoDBRecord): string {
  return record.dynamodb?.Keys?.PK?.S ?? '';
}

async function put(pk: string, extra: Record<string, unknown> = {}) {
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: { PK: { S: pk }, SK: { S: 'ITEM' }, ...(extra as Record<string, { S: string }>) },
    }),
  );
}

function start(options: Partial<StreamPollerOptions> & Pick<StreamPollerOptions, 'handler'>): StreamPoller {
  const dataDir = mkdtempSync(join(tmpdir(), 'closer-stream-'));
  dirs.push(dataDir);
  const poller = startStreamPoller({
    endpoint,
    tableName,
    dataDir,
    pollIntervalMs: 50,
    retryDelayMs: 5,
    mapping: { ...STREAM_MAPPINGS.notify, batchSize: 1000, bisectBatchOnError: false },
    ...options,
  });
  pollers.push(poller);
  return poller;
}

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  client.destroy();
});

describe('local stream poller', () => {
  it('delivers inserts, updates and deletes in the shape of Lambda DynamoDB stream events', async () => {
    const pk = `${prefix()}shape`;
    const events: DynamoDBStreamEvent[] = [];
    const poller = start({
      handler: async (event) => {
        events.push(event);
      },
      filter: (r) => pkOf(r) === pk,
    });
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          PK: { S: pk },
          SK: { S: 'ITEM' },
          n: { N: '1.5' },
          bin: { B: new Uint8Array([1, 2, 3]) },
          list: { L: [{ S: 'a' }, { BOOL: true }, { NULL: true }] },
          map: { M: { nested: { SS: ['x', 'y'] } } },
        },
      }),
    );
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { PK: { S: pk }, SK: { S: 'ITEM' } },
        UpdateExpression: 'SET n = :n',
        ExpressionAttributeValues: { ':n': { N: '2' } },
      }),
    );
    await client.send(
      new DeleteItemCommand({ TableName: tableName, Key: { PK: { S: pk }, SK: { S: 'ITEM' } } }),
    );

    await poller.drain();

    const records = events.flatMap((e) => e.Records);
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    const [insert, modify, remove] = records;
    expect(insert).toMatchObject({
      eventID: expect.any(String),
      eventVersion: expect.any(String),
      eventSource: 'aws:dynamodb',
      awsRegion: expect.any(String),
      eventSourceARN: expect.stringMatching(new RegExp(`table/${tableName}/stream/`)),
      dynamodb: {
        Keys: { PK: { S: pk }, SK: { S: 'ITEM' } },
        NewImage: {
          n: { N: '1.5' },
          bin: { B: 'AQID' },
          list: { L: [{ S: 'a' }, { BOOL: true }, { NULL: true }] },
          map: { M: { nested: { SS: ['x', 'y'] } } },
        },
        SequenceNumber: expect.any(String),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    // Lambda's event is JSON: seconds since the epoch, no Date or byte array objects.
    expect(insert?.dynamodb?.ApproximateCreationDateTime).toBeLessThan(1e11);
    expect(JSON.parse(JSON.stringify(events))).toEqual(events);
    expect(insert?.dynamodb).not.toHaveProperty('OldImage');
    expect(modify?.dynamodb?.OldImage?.n).toEqual({ N: '1.5' });
    expect(modify?.dynamodb?.NewImage?.n).toEqual({ N: '2' });
    expect(remove?.dynamodb?.OldImage?.n).toEqual({ N: '2' });
    expect(remove?.dynamodb).not.toHaveProperty('NewImage');
  });

  it('retries a failing batch, drops it after the retry attempts and moves on', async () => {
    const p = prefix();
    const attempts: string[][] = [];
    const dropped: DroppedBatch[] = [];
    const poller = start({
      mapping: { ...STREAM_MAPPINGS.notify, retryAttempts: 2 },
      filter: (r) => pkOf(r).startsWith(p),
      onDropped: (batch) => dropped.push(batch),
      handler: async (event) => {
        const pks = event.Records.map(pkOf);
        attempts.push(pks);
        if (pks.includes(`${p}poison`)) throw new Error('cannot process poison');
      },
    });

    await put(`${p}poison`);
    await poller.drain();
    await put(`${p}after`);
    await poller.drain();

    expect(attempts).toEqual([[`${p}poison`], [`${p}poison`], [`${p}poison`], [`${p}after`]]);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]?.attempts).toBe(3);
    expect(dropped[0]?.records.map(pkOf)).toEqual([`${p}poison`]);
    expect(dropped[0]?.error).toEqual(new Error('cannot process poison'));
    expect(dropped[0]?.condition).toBe('RetryAttemptsExhausted');
  });

  it('bisects a failing batch with the mapping settings, so one bad record ends alone in the dead letters', async () => {
    // Arrange: four records in one batch, the third poisoned; the notify mapping's settings.
    const p = prefix();
    for (const name of ['1', '2', 'poison', '4']) await put(`${p}${name}`);
    const attempts: string[][] = [];
    const dataDir = mkdtempSync(join(tmpdir(), 'closer-dead-'));
    dirs.push(dataDir);
    const store = fileDeadLetters(deadLetterDir(dataDir, 'test'), 'test');
    const processed = new Set<string>();

    // Act
    const poller = start({
      mapping: STREAM_MAPPINGS.notify,
      filter: (r) => pkOf(r).startsWith(p),
      onDropped: store.put,
      handler: async (event) => {
        const pks = event.Records.map(pkOf);
        attempts.push(pks);
        if (pks.includes(`${p}poison`)) throw new Error('cannot process poison');
        for (const pk of pks) processed.add(pk);
      },
    });
    await poller.drain();

    // Assert: split until the poison is alone, retried retryAttempts times, then kept on disk.
    // (How GetRecords cuts the shared stream into batches varies; without bisecting, the records
    // batched with the poison would never go through.)
    expect([...processed].sort()).toEqual([`${p}1`, `${p}2`, `${p}4`].sort());
    const alone = attempts.filter((a) => a.length === 1 && a[0] === `${p}poison`);
    expect(alone).toHaveLength(STREAM_MAPPINGS.notify.retryAttempts + 1);
    const letters = store.list();
    expect(letters).toHaveLength(1);
    expect(letters[0]?.letter.records.map(pkOf)).toEqual([`${p}poison`]);
    expect(letters[0]?.letter.requestContext.condition).toBe('RetryAttemptsExhausted');
    expect(letters[0]?.letter.DDBStreamBatchInfo.startSequenceNumber).toBe(
      letters[0]?.letter.records[0]?.dynamodb?.SequenceNumber,
    );

    // And the replay hands them over again: a handler that now succeeds empties the dead letters.
    const replayed: string[] = [];
    const result = await replayDeadLetters(
      store,
      async (event) => {
        replayed.push(...event.Records.map(pkOf));
        return { batchItemFailures: [] };
      },
      'test',
    );
    expect(result).toEqual({ letters: 1, records: 1, failed: [] });
    expect(replayed).toEqual([`${p}poison`]);
    expect(store.list()).toEqual([]);
  });

  it('sends records older than the maximum record age to the dead letters unprocessed', async () => {
    const p = prefix();
    await put(`${p}old`);
    const dropped: DroppedBatch[] = [];
    const seen: string[] = [];
    await new Promise((r) => setTimeout(r, 1_100));
    const poller = start({
      mapping: { ...STREAM_MAPPINGS.notify, maxRecordAgeSeconds: 1 },
      filter: (r) => pkOf(r).startsWith(p),
      onDropped: (batch) => dropped.push(batch),
      handler: async (event) => {
        seen.push(...event.Records.map(pkOf));
      },
    });
    await poller.drain();

    expect(seen).toEqual([]);
    expect(dropped.map((d) => [d.condition, d.records.map(pkOf)])).toEqual([
      ['RecordAgeExceeded', [`${p}old`]],
    ]);
  });

  it('retries from the first failed record on a partial batch response', async () => {
    const p = prefix();
    await put(`${p}1`);
    await put(`${p}2`);
    await put(`${p}3`);
    const attempts: string[][] = [];
    const poller = start({
      filter: (r) => pkOf(r).startsWith(p),
      handler: async (event) => {
        attempts.push(event.Records.map(pkOf));
        const second = event.Records.find((r) => pkOf(r) === `${p}2`);
        // Fails record 2 once, as a handler whose email send to that recipient failed would.
        if (attempts.length === 1 && second) {
          return { batchItemFailures: [{ itemIdentifier: second.dynamodb?.SequenceNumber ?? '' }] };
        }
        return { batchItemFailures: [] };
      },
    });

    await poller.drain();

    expect(attempts).toEqual([
      [`${p}1`, `${p}2`, `${p}3`],
      [`${p}2`, `${p}3`],
    ]);
  });

  it('treats an unknown item identifier as a failure of the whole batch', async () => {
    const p = prefix();
    await put(`${p}1`);
    await put(`${p}2`);
    const attempts: string[][] = [];
    const poller = start({
      filter: (r) => pkOf(r).startsWith(p),
      handler: async (event) => {
        attempts.push(event.Records.map(pkOf));
        return attempts.length === 1
          ? { batchItemFailures: [{ itemIdentifier: 'no-such-record' }] }
          : undefined;
      },
    });

    await poller.drain();

    expect(attempts).toEqual([
      [`${p}1`, `${p}2`],
      [`${p}1`, `${p}2`],
    ]);
  });

  it('skips the records the filter rejects, as Lambda filter criteria do', async () => {
    const p = prefix();
    const seen: string[] = [];
    const poller = start({
      filter: (r) =>
        pkOf(r).startsWith(p) && r.eventName === 'INSERT' && r.dynamodb?.NewImage?.kind?.S === 'keep',
      handler: async (event) => {
        seen.push(...event.Records.map(pkOf));
      },
    });

    await put(`${p}a`, { kind: { S: 'keep' } });
    await put(`${p}b`, { kind: { S: 'skip' } });
    await put(`${p}a`, { kind: { S: 'keep' } });
    await put(`${p}c`, { kind: { S: 'keep' } });
    await poller.drain();

    // The second put of `a` is a MODIFY: filtered out like the `skip` item.
    expect(seen).toEqual([`${p}a`, `${p}c`]);
  });

  it("applies a stream consumer's cloud filter when given none (STREAM_FILTERS)", async () => {
    const p = prefix();
    const seen: string[] = [];
    // aggregate reads deal items only: an event item, the other entity, never reaches it.
    const poller = start({
      functionName: 'aggregate',
      handler: async (event) => {
        seen.push(...event.Records.map(pkOf).filter((pk) => pk.startsWith(p)));
      },
    });

    await put(`${p}deal`, { entity: { S: 'Deal' } });
    await put(`${p}event`, { entity: { S: 'Event' } });
    await put(`${p}plain`);
    await poller.drain();

    expect(seen).toEqual([`${p}deal`]);
  });

  it('resumes after the last delivered record when restarted with the same data dir', async () => {
    const p = prefix();
    const dataDir = mkdtempSync(join(tmpdir(), 'closer-stream-'));
    dirs.push(dataDir);
    const seen: string[] = [];
    const options = {
      dataDir,
      filter: (r: DynamoDBRecord) => pkOf(r).startsWith(p),
      handler: async (event: DynamoDBStreamEvent) => {
        seen.push(...event.Records.map(pkOf));
      },
    };
    const first = start(options);
    await put(`${p}before`);
    await first.drain();
    await first.stop();

    await put(`${p}while-stopped`);
    const second = start(options);
    await second.drain();

    expect(seen).toEqual([`${p}before`, `${p}while-stopped`]);
  });
});

describe("replay from the cloud's dead-letter queue", () => {
  /** An SQS queue as the replay sees it: messages stay until deleted, each read hides it once. */
  function memoryQueue(bodies: string[]): DeadLetterQueue & { left(): string[] } {
    const messages = new Map(bodies.map((body, i) => [`receipt-${i}`, body]));
    let delivered = false;
    return {
      url: 'https://sqs.local/000000000000/closer-notify-dead-letters',
      async receive() {
        if (delivered) return [];
        delivered = true;
        return [...messages].map(([id, body]) => ({ id, body }));
      },
      async delete(id) {
        messages.delete(id);
      },
      left: () => [...messages.keys()],
    };
  }

  /** The table's stream on DynamoDB Local, as the replay reads it in the cloud. */
  const localStreams = () =>
    new DynamoDBStreamsClient({
      endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });

  /** The message Lambda sends to an on-failure queue: the batch's pointers, without its records. */
  function asQueueMessage(letter: DeadLetter): string {
    const { records: _records, ...pointer } = letter;
    return JSON.stringify(pointer);
  }

  it('reads the records a message points to back from the stream, hands them over and deletes the message', async () => {
    // Arrange: a real given-up batch of the real stream (DynamoDB Local), its pointer in the queue.
    const p = prefix();
    for (const name of ['a', 'b']) await put(`${p}${name}`);
    const dataDir = mkdtempSync(join(tmpdir(), 'closer-dlq-'));
    dirs.push(dataDir);
    const store = fileDeadLetters(deadLetterDir(dataDir, 'test'), 'test');
    const poller = start({
      mapping: { ...STREAM_MAPPINGS.notify, retryAttempts: 0, bisectBatchOnError: false },
      filter: (r) => pkOf(r).startsWith(p),
      onDropped: store.put,
      handler: async () => {
        throw new Error('SES is down');
      },
    });
    await poller.drain();
    const letters = store.list().map((l) => l.letter);
    expect(letters.flatMap((l) => l.records.map(pkOf)).sort()).toEqual([`${p}a`, `${p}b`]);
    const queue = memoryQueue([...letters.map(asQueueMessage), '{"not":"a letter"}']);
    const streams = localStreams();

    // Act
    const replayed: DynamoDBRecord[] = [];
    const result = await replayDeadLetters(
      queueDeadLetters({ queue, streams }),
      async (event) => {
        replayed.push(...event.Records);
        return { batchItemFailures: [] };
      },
      'test',
    );
    streams.destroy();

    // Assert: the very records Lambda gave up on, in Lambda's shape; the letters' messages deleted,
    // the unreadable one kept and reported.
    expect(replayed.map(pkOf).sort()).toEqual([`${p}a`, `${p}b`]);
    expect(replayed).toEqual(letters.flatMap((l) => l.records));
    expect(result.failed).toEqual([
      { id: `receipt-${letters.length}`, error: 'not a Lambda stream on-failure record: left in the queue' },
    ]);
    expect(queue.left()).toEqual([`receipt-${letters.length}`]);
  });

  it('keeps the message when the function fails again', async () => {
    const p = prefix();
    await put(`${p}again`);
    const dataDir = mkdtempSync(join(tmpdir(), 'closer-dlq-'));
    dirs.push(dataDir);
    const store = fileDeadLetters(deadLetterDir(dataDir, 'test'), 'test');
    const poller = start({
      mapping: { ...STREAM_MAPPINGS.notify, retryAttempts: 0, bisectBatchOnError: false },
      filter: (r) => pkOf(r).startsWith(p),
      onDropped: store.put,
      handler: async () => {
        throw new Error('still down');
      },
    });
    await poller.drain();
    const queue = memoryQueue(store.list().map((l) => asQueueMessage(l.letter)));
    const streams = localStreams();

    const result = await replayDeadLetters(
      queueDeadLetters({ queue, streams }),
      async () => {
        throw new Error('still down');
      },
      'test',
    );
    streams.destroy();

    expect(result.failed).toEqual([{ id: 'receipt-0', error: 'still down' }]);
    expect(queue.left()).toEqual(['receipt-0']);
  });
});
