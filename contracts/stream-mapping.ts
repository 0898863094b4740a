/**
 * The settings of the table-stream event source mappings, in one place: the CDK stack builds the
 * cloud mappings from them (infra/stack.ts) and the local stream poller (infra/local/stream-poller.ts)
 * reads the stream with the same ones, so a record is batched, retried, split and given up the same
 * way on a laptop as in Lambda. No imports: both sides read it.
 */
export interface StreamMapping {
  /** Records per invocation. */
  batchSize: number;
  /** Seconds to gather a batch before invoking (0: at once). */
  maxBatchingWindowSeconds: number;
  /** Retries after the first failed attempt, then the records go to the failure destination. */
  retryAttempts: number;
  /** On a failed invocation, split the batch in two and retry each half, to isolate a bad record. */
  bisectBatchOnError: boolean;
  /** The function reports failed records itself (`{batchItemFailures}`). */
  reportBatchItemFailures: boolean;
  /** Records older than this are not processed but sent to the failure destination. */
  maxRecordAgeSeconds: number;
  /** Where a new mapping starts reading. */
  startingPosition: 'LATEST' | 'TRIM_HORIZON';
  /**
   * Where given-up records go: an SQS dead-letter queue in the cloud (with an alarm), files under
   * DATA_DIR/dead-letters/<function>/ locally; `npm run replay` processes them again.
   */
  failureDestination: 'dead-letter-queue';
}

export const STREAM_MAPPINGS = {
  /**
   * notify turns outbox events into scheduled deliveries (cheap writes; the emails themselves are
   * retried for 24 h by the delivery schedule). LATEST: a mapping recreated with TRIM_HORIZON would
   * re-plan up to 24 h of events. With 6 h of record age, the stream's 24 h retention leaves 18 h
   * to replay a dead letter after the alarm.
   */
  notify: {
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    retryAttempts: 5,
    bisectBatchOnError: true,
    reportBatchItemFailures: true,
    maxRecordAgeSeconds: 6 * 60 * 60,
    startingPosition: 'LATEST',
    failureDestination: 'dead-letter-queue',
  },
  /**
   * aggregate applies every deal change once whatever the delivery (version markers), so it starts
   * at TRIM_HORIZON: a recreated mapping replays up to 24 h of changes harmlessly.
   */
  aggregate: {
    batchSize: 100,
    maxBatchingWindowSeconds: 1,
    retryAttempts: 10,
    bisectBatchOnError: true,
    reportBatchItemFailures: true,
    maxRecordAgeSeconds: 24 * 60 * 60,
    startingPosition: 'TRIM_HORIZON',
    failureDestination: 'dead-letter-queue',
  },
} as const satisfies Record<string, StreamMapping>;

export type StreamConsumer = keyof typeof STREAM_MAPPINGS;
