/**
 * Latency sampling: a fixed number of requests kept `concurrency` in flight, each timed from just
 * before the request to the last byte of its body, as a client sees it.
 */
import { performance } from 'node:perf_hooks';

/** Requests in flight during every measurement (and during setup). */
export const CONCURRENCY = 8;

export interface Stats {
  requests: number;
  concurrency: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
  /** Completed requests per second of wall time. */
  throughput: number;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export function statsOf(samples: readonly number[], wallMs: number, concurrency: number): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((total, v) => total + v, 0);
  return {
    requests: sorted.length,
    concurrency,
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    mean: round(sum / sorted.length),
    min: round(sorted[0] ?? Number.NaN),
    max: round(sorted.at(-1) ?? Number.NaN),
    throughput: Math.round((sorted.length / wallMs) * 1000 * 10) / 10,
  };
}

/**
 * Runs `task(0..count-1)` with at most `concurrency` in flight. The first failure stops the
 * workers and is rethrown: a figure measured on error answers would mean nothing.
 */
export async function pool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < count) {
      const i = next++;
      try {
        await task(i);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Times every call of `task` (one request each) and summarises them. */
export async function measure(
  count: number,
  task: (i: number) => Promise<void>,
  concurrency = CONCURRENCY,
): Promise<Stats> {
  const samples = new Array<number>(count);
  const started = performance.now();
  await pool(count, concurrency, async (i) => {
    const t0 = performance.now();
    await task(i);
    samples[i] = performance.now() - t0;
  });
  return statsOf(samples, performance.now() - started, concurrency);
}
