import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  type AttributeValue as SdkAttributeValue,
  type _Record as SdkRecord,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamConsumer, StreamMapping } from '#contracts/stream-mapping';
import { STREAM_FILTERS } from '#contracts/streams';
import { localClient } from './dynamodb.ts';
import { lambdaContext } from './lambda.ts';

/** A stream consumer as Lambda calls it; it may answer `{batchItemFailures}` (partial batch response). */
export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<unknown>;

export interface DroppedBatch {
  shardId: string;
  /** The records that were never processed successfully (from the first failed one). */
  records: DynamoDBRecord[];
  attempts: number;
  error: unknown;
  /** Lambda's on-failure condition: retries exhausted, or records older than maxRecordAge. */
  condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded';
}

export interface StreamPollerOptions {
  endpoint: string;
  tableName: string;
  handler: StreamHandler;
  /**
   * Lambda's filter criteria: records it rejects are skipped (and never retried). By default the
   * cloud's for `functionName` (`STREAM_FILTERS` in contracts/streams.ts); every record when that
   * names no stream consumer.
   */
  filter?: (record: DynamoDBRecord) => boolean;
  /** Where the shard positions are kept between runs; without it every start reads from the oldest record. */
  dataDir?: string;
  /**
   * The cloud mapping's settings (contracts/stream-mapping.ts): batch size, retries, bisecting on
   * error, maximum record age. Only the retry delays are the poller's own.
   */
  mapping: StreamMapping;
  pollIntervalMs?: number;
  /** First retry delay; doubles on each retry, capped at 10 s. */
  retryDelayMs?: number;
  /**
   * The failure destination (the cloud's SQS dead-letter queue): records given up after the
   * retries, or too old. `fileDeadLetters` keeps them under DATA_DIR for `npm run replay`.
   */
  onDropped?: (dropped: DroppedBatch) => void;
  log?: (message: string, error?: unknown) => void;
  functionName?: string;
}

export interface StreamPoller {
  stop(): Promise<void>;
  /** Resolves once a poll that started after the call found nothing left to deliver. */
  drain(): Promise<void>;
}

interface ShardState {
  parentId?: string;
  iterator?: string;
  /** The last record handed over (delivered, filtered out or dropped): reading resumes after it. */
  sequenceNumber?: string;
  finished: boolean;
}

interface PositionFile {
  streamArn: string;
  shards: Record<string, { sequenceNumber?: string; finished?: boolean; parentId?: string }>;
}

const POSITION_FILE = 'stream-position.json';
const DESCRIBE_EVERY_MS = 5_000;
const MAX_RETRY_DELAY_MS = 10_000;

class StoppedError extends Error {}

/** Lambda delivers binary attributes base64-encoded in the event JSON; the SDK hands us bytes. */
function toLambdaValue(value: SdkAttributeValue): AttributeValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  // The streams client deserializes an empty map ({"M":{}}) to a value with no member at all.
  if (Object.keys(value).length === 0) return { M: {} };
  throw new Error(`unknown attribute value type: ${Object.keys(value).join(', ')}`);
}

function toLambdaImage(image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaValue(value)]));
}

/** The record as Lambda's event source mapping delivers it (JSON shape, ARN added, dates in seconds). */
export function toLambdaRecord(record: SdkRecord, streamArn: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  const dynamodb: NonNullable<DynamoDBRecord['dynamodb']> = {};
  if (d.ApproximateCreationDateTime) {
    dynamodb.ApproximateCreationDateTime = Math.floor(d.ApproximateCreationDateTime.getTime() / 1000);
  }
  if (d.Keys) dynamodb.Keys = toLambdaImage(d.Keys);
  if (d.NewImage) dynamodb.NewImage = toLambdaImage(d.NewImage);
  if (d.OldImage) dynamodb.OldImage = toLambdaImage(d.OldImage);
  if (d.SequenceNumber !== undefined) dynamodb.SequenceNumber = d.SequenceNumber;
  if (d.SizeBytes !== undefined) dynamodb.SizeBytes = d.SizeBytes;
  if (d.StreamViewType !== undefined) dynamodb.StreamViewType = d.StreamViewType;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource ?? 'aws:dynamodb',
    awsRegion: record.awsRegion,
    dynamodb,
    eventSourceARN: streamArn,
    // TTL deletions carry the service as identity; notify may want to tell them from user deletes.
    ...(record.userIdentity
      ? { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } }
      : {}),
  };
}

/**
 * The index of the first record to retry, from a partial batch response, or undefined on success.
 * As in Lambda, an identifier that names no record of the batch fails the whole batch.
 */
export function firstFailure(result: unknown, records: DynamoDBRecord[]): number | undefined {
  if (typeof result !== 'object' || result === null || !('batchItemFailures' in result)) return undefined;
  const failures = (result as { batchItemFailures: unknown }).batchItemFailures;
  if (!Array.isArray(failures)) return 0;
  if (failures.length === 0) return undefined;
  let first = records.length;
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = records.findIndex((r) => r.dynamodb?.SequenceNumber === id);
    if (typeof id !== 'string' || id === '' || index === -1) return 0;
    first = Math.min(first, index);
  }
  return first;
}

function readPositions(file: string | undefined): PositionFile | undefined {
  if (!file) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as PositionFile;
    return typeof parsed.streamArn === 'string' && typeof parsed.shards === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the table's stream from DynamoDB Local and invokes `handler` as Lambda's event source
 * mapping would: batches per shard in order, parents before children, retries with backoff from the
 * first failed record, then drops to `onDropped` and moves on. At least once: a stop during a
 * batch replays it on the next start.
 */
export function startStreamPoller(options: StreamPollerOptions): StreamPoller {
  const { mapping } = options;
  const batchSize = mapping.batchSize;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const retryDelayMs = options.retryDelayMs ?? 500;
  const functionName = options.functionName ?? 'notify';
  const named = options.functionName;
  const filter =
    options.filter ??
    (named && named in STREAM_FILTERS ? STREAM_FILTERS[named as StreamConsumer] : undefined);
  const log = options.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  const onDropped =
    options.onDropped ??
    ((dropped: DroppedBatch) =>
      log(
        `[stream] dropped ${dropped.records.length} record(s) of ${dropped.shardId} after ${dropped.attempts} attempts:`,
        dropped.error,
      ));
  const positionFile = options.dataDir ? join(options.dataDir, POSITION_FILE) : undefined;
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region: 'local', credentials });
  const tables = localClient(options.endpoint);

  let streamArn: string | undefined;
  const shards = new Map<string, ShardState>();
  let lastDescribe = 0;
  let describeNow = true;
  let stopped = false;
  let cycle = 0;
  let drainWaiters: { after: number; resolve: () => void }[] = [];
  let wake: (() => void) | undefined;
  let lastError = '';

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  function persist(): void {
    if (!positionFile || !streamArn || !options.dataDir) return;
    const file: PositionFile = { streamArn, shards: {} };
    for (const [id, s] of shards) {
      file.shards[id] = {
        ...(s.sequenceNumber ? { sequenceNumber: s.sequenceNumber } : {}),
        ...(s.finished ? { finished: true } : {}),
        ...(s.parentId ? { parentId: s.parentId } : {}),
      };
    }
    mkdirSync(options.dataDir, { recursive: true });
    // Write then rename, so a crash mid-write never leaves a truncated file that would replay all.
    writeFileSync(`${positionFile}.tmp`, JSON.stringify(file, null, 2));
    renameSync(`${positionFile}.tmp`, positionFile);
  }

  async function describe(): Promise<void> {
    const table = await tables.send(new DescribeTableCommand({ TableName: options.tableName }));
    const arn = table.Table?.LatestStreamArn;
    if (!arn) throw new Error(`table ${options.tableName} has no stream: enable NEW_AND_OLD_IMAGES`);
    if (arn !== streamArn) {
      streamArn = arn;
      shards.clear();
      const saved = readPositions(positionFile);
      // A different ARN means the table was recreated: its old positions mean nothing.
      if (saved?.streamArn === arn) {
        for (const [id, s] of Object.entries(saved.shards)) {
          shards.set(id, {
            parentId: s.parentId,
            sequenceNumber: s.sequenceNumber,
            finished: s.finished === true,
          });
        }
      }
    }
    const listed = new Set<string>();
    let exclusiveStart: string | undefined;
    do {
      const page = await streams.send(
        new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: exclusiveStart }),
      );
      for (const shard of page.StreamDescription?.Shards ?? []) {
        if (shard.ShardId) listed.add(shard.ShardId);
        if (!shard.ShardId || shards.has(shard.ShardId)) continue;
        shards.set(shard.ShardId, { parentId: shard.ParentShardId, finished: false });
      }
      exclusiveStart = page.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStart);
    // Shards the stream no longer lists were trimmed: forget them so the position file stays small.
    for (const [id, state] of shards) if (state.finished && !listed.has(id)) shards.delete(id);
    lastDescribe = Date.now();
    describeNow = false;
  }

  /** A child shard waits until its parent is read to the end, so records stay in order per key. */
  function readable(): [string, ShardState][] {
    return [...shards].filter(([, s]) => {
      if (s.finished) return false;
      const parent = s.parentId ? shards.get(s.parentId) : undefined;
      return !parent || parent.finished;
    });
  }

  async function iteratorOf(shardId: string, state: ShardState): Promise<string | undefined> {
    if (state.iterator) return state.iterator;
    const from = state.sequenceNumber
      ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, SequenceNumber: state.sequenceNumber }
      : { ShardIteratorType: 'TRIM_HORIZON' as const };
    try {
      const out = await streams.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ...from }),
      );
      state.iterator = out.ShardIterator;
    } catch (error) {
      if (error instanceof TrimmedDataAccessException && state.sequenceNumber) {
        // The saved position is older than the stream keeps (24 h): the oldest record is the closest.
        state.sequenceNumber = undefined;
        return iteratorOf(shardId, state);
      }
      if (error instanceof ResourceNotFoundException) {
        state.finished = true;
        persist();
        return undefined;
      }
      throw error;
    }
    return state.iterator;
  }

  /** Invokes with retries from the first failed record; a thrown error splits the batch (bisect). */
  async function invoke(shardId: string, batch: DynamoDBRecord[]): Promise<void> {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      let failedFrom: number | undefined;
      let error: unknown;
      let thrown = false;
      try {
        const result = await options.handler({ Records: pending }, lambdaContext(functionName, 900_000));
        failedFrom = firstFailure(result, pending);
        if (failedFrom === undefined) return;
        error = new Error(
          `the handler reported failures from record ${pending[failedFrom]?.dynamodb?.SequenceNumber}`,
        );
      } catch (caught) {
        failedFrom = 0;
        error = caught;
        thrown = true;
      }
      pending = pending.slice(failedFrom);
      if (thrown && mapping.bisectBatchOnError && pending.length > 1) {
        // As Lambda's BisectBatchOnFunctionError: each half is retried on its own, so one bad
        // record ends up alone and the others go through.
        const half = Math.ceil(pending.length / 2);
        await invoke(shardId, pending.slice(0, half));
        await invoke(shardId, pending.slice(half));
        return;
      }
      if (attempt > mapping.retryAttempts) {
        onDropped({
          shardId,
          records: pending,
          attempts: attempt,
          error,
          condition: 'RetryAttemptsExhausted',
        });
        return;
      }
      if (stopped) throw new StoppedError();
      await sleep(Math.min(retryDelayMs * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS));
      if (stopped) throw new StoppedError();
    }
  }

  async function deliver(shardId: string, records: DynamoDBRecord[]): Promise<void> {
    const kept = filter ? records.filter(filter) : records;
    // Records older than maxRecordAge go to the failure destination unprocessed, as in Lambda.
    const oldest = Date.now() / 1000 - mapping.maxRecordAgeSeconds;
    const tooOld = kept.filter(
      (r) => (r.dynamodb?.ApproximateCreationDateTime ?? Number.POSITIVE_INFINITY) < oldest,
    );
    if (tooOld.length > 0) {
      onDropped({
        shardId,
        records: tooOld,
        attempts: 0,
        error: new Error(`older than ${mapping.maxRecordAgeSeconds} s`),
        condition: 'RecordAgeExceeded',
      });
    }
    const fresh = kept.filter((r) => !tooOld.includes(r));
    for (let i = 0; i < fresh.length; i += batchSize) await invoke(shardId, fresh.slice(i, i + batchSize));
  }

  /** One GetRecords on one shard; true when it returned records. */
  async function pollShard(shardId: string, state: ShardState): Promise<boolean> {
    const iterator = await iteratorOf(shardId, state);
    if (!iterator) return false;
    let out: GetRecordsCommandOutput;
    try {
      out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }));
    } catch (error) {
      if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) {
        state.iterator = undefined;
        return true;
      }
      throw error;
    }
    const arn = streamArn ?? '';
    const records = (out.Records ?? []).map((r) => toLambdaRecord(r, arn));
    if (records.length > 0) {
      await deliver(shardId, records);
      state.sequenceNumber = records.at(-1)?.dynamodb?.SequenceNumber ?? state.sequenceNumber;
    }
    state.iterator = out.NextShardIterator;
    if (!out.NextShardIterator) {
      state.finished = true;
      describeNow = true;
    }
    if (records.length > 0 || state.finished) persist();
    return records.length > 0;
  }

  async function pollOnce(): Promise<boolean> {
    if (describeNow || Date.now() - lastDescribe > DESCRIBE_EVERY_MS) await describe();
    let busy = false;
    for (const [shardId, state] of readable()) {
      if (stopped) break;
      if (await pollShard(shardId, state)) busy = true;
    }
    // A shard that just ended may have children to read right away.
    return busy || describeNow;
  }

  const loop = (async () => {
    while (!stopped) {
      const current = ++cycle;
      let busy: boolean;
      try {
        busy = await pollOnce();
        lastError = '';
      } catch (error) {
        if (stopped || error instanceof StoppedError) break;
        // DynamoDB Local briefly unreachable: say so once, not every 250 ms.
        const message = error instanceof Error ? error.message : String(error);
        if (message !== lastError) log('[stream] polling failed, retrying:', error);
        lastError = message;
        for (const state of shards.values()) state.iterator = undefined;
        describeNow = true;
        await sleep(Math.max(pollIntervalMs, 1_000));
        continue;
      }
      if (!busy) {
        const ready = drainWaiters.filter((w) => w.after <= current);
        drainWaiters = drainWaiters.filter((w) => w.after > current);
        for (const w of ready) w.resolve();
        if (!stopped) await sleep(pollIntervalMs);
      }
    }
    for (const w of drainWaiters) w.resolve();
    drainWaiters = [];
  })();

  return {
    drain: () =>
      new Promise<void>((resolve) => {
        if (stopped) return resolve();
        drainWaiters.push({ after: cycle + 1, resolve });
        wake?.();
      }),
    stop: async () => {
      stopped = true;
      wake?.();
      await loop;
      streams.destroy();
      tables.destroy();
    },
  };
}
