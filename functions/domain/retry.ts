/**
 * When to try a delivery again, and whether a failure can pass. Pure: the clock and the random
 * source come in as values, so a test can drive 24 hours of retries in milliseconds.
 */

export interface RetryPolicy {
  /** How long a delivery keeps being retried after it was scheduled. */
  windowMs: number;
  /** The first retry comes after about this long; each next one waits twice as long... */
  baseDelayMs: number;
  /** ...up to this. */
  maxDelayMs: number;
}

/**
 * 24 hours of retries: the first after ~10 s, then doubling up to 10 minutes between tries, so an
 * outage of hours is followed by delivery within ~10 minutes of recovery (about 150 tries a day).
 */
export const DELIVERY_RETRY: RetryPolicy = {
  windowMs: 24 * 60 * 60 * 1000,
  baseDelayMs: 10_000,
  maxDelayMs: 10 * 60 * 1000,
};

/**
 * The wait before the next try after `attempts` failed ones: exponential, capped, with "equal
 * jitter" (half fixed, half random) so deliveries that failed together do not retry together.
 */
export function backoffMs(attempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  return Math.round(delay / 2 + random() * (delay / 2));
}

/**
 * The next try after a failure that can pass, or undefined when the window is over. The last try is
 * made at the end of the window itself, so a delivery is retried for the whole window.
 */
export function nextAttemptAt(
  schedule: { createdAt: string; attempts: number },
  now: string,
  policy: RetryPolicy = DELIVERY_RETRY,
  random: () => number = Math.random,
): string | undefined {
  const end = Date.parse(schedule.createdAt) + policy.windowMs;
  const current = Date.parse(now);
  if (current >= end) return undefined;
  return new Date(Math.min(current + backoffMs(schedule.attempts, policy, random), end)).toISOString();
}

const TRANSIENT_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalServerError',
  'TransactionConflictException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  // SES: sending paused by the operator or AWS; it resumes without changing the email.
  'AccountSendingPausedException',
  'ConfigurationSetSendingPausedException',
]);

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * True for failures that can pass without anyone changing the request: the service unreachable
 * (connection refused or reset, timeouts, DNS), throttled, or failing on its side (5xx). False for
 * everything else: a 4xx the service means (a rejected address), or our own error (a document that
 * cannot be built), which retrying would only repeat.
 */
export function isTransientFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number') return status >= 500 || status === 429;
  if (typeof e.message === 'string' && /socket hang up|connect ECONNREFUSED/.test(e.message)) return true;
  // AggregateError (several addresses tried) and wrapped causes.
  const nested = (error as { errors?: unknown[] }).errors;
  if (Array.isArray(nested) && nested.length > 0 && nested.every(isTransientFailure)) return true;
  return e.cause !== undefined && e.cause !== error && isTransientFailure(e.cause);
}

/** True for errors of the AWS services themselves (SDK errors): outages, not bad data. */
export function isServiceFailure(error: unknown): boolean {
  return (
    isTransientFailure(error) ||
    (typeof error === 'object' && error !== null && '$metadata' in error && 'name' in error)
  );
}
