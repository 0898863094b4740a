import { describe, expect, it } from 'vitest';
import { backoffMs, DELIVERY_RETRY, isTransientFailure, nextAttemptAt } from '#domain/retry';

describe('backoffMs', () => {
  it('doubles from 10 s up to 10 minutes, half of it random', () => {
    // Act
    const low = [1, 2, 3, 10, 40].map((n) => backoffMs(n, DELIVERY_RETRY, () => 0));
    const high = [1, 2, 3, 10, 40].map((n) => backoffMs(n, DELIVERY_RETRY, () => 1));

    // Assert
    expect(low).toEqual([5_000, 10_000, 20_000, 300_000, 300_000]);
    expect(high).toEqual([10_000, 20_000, 40_000, 600_000, 600_000]);
  });
});

describe('nextAttemptAt', () => {
  const createdAt = '2026-12-01T00:00:00.000Z';

  it('schedules the next try within the 24-hour window, the last one at its very end', () => {
    expect(
      nextAttemptAt({ createdAt, attempts: 1 }, '2026-12-01T00:00:00.000Z', DELIVERY_RETRY, () => 1),
    ).toBe('2026-12-01T00:00:10.000Z');
    expect(
      nextAttemptAt({ createdAt, attempts: 90 }, '2026-12-01T23:55:00.000Z', DELIVERY_RETRY, () => 1),
    ).toBe('2026-12-02T00:00:00.000Z');
  });

  it('gives up once the window is over', () => {
    expect(nextAttemptAt({ createdAt, attempts: 150 }, '2026-12-02T00:00:00.000Z')).toBeUndefined();
  });
});

describe('isTransientFailure', () => {
  const sdkError = (name: string, status: number) =>
    Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

  it('retries what can pass: refused connections, timeouts, throttling, 5xx', () => {
    for (const error of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      new Error('x', { cause: Object.assign(new Error('y'), { code: 'ETIMEDOUT' }) }),
      sdkError('Throttling', 400),
      sdkError('ServiceUnavailable', 503),
      sdkError('SomethingNew', 500),
    ]) {
      expect(isTransientFailure(error), String(error)).toBe(true);
    }
  });

  it('does not retry a refusal or our own error', () => {
    for (const error of [sdkError('MessageRejected', 400), new TypeError('bad data'), 'a string']) {
      expect(isTransientFailure(error), String(error)).toBe(false);
    }
  });
});
