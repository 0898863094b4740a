import { randomUUID } from 'node:crypto';
import { logger } from '#config/logger';
import { DELIVERY_RETRY, isTransientFailure, nextAttemptAt, type RetryPolicy } from '#domain/retry';
import type { DealEvent } from '#schemas/deals';
import {
  claimWork,
  dueCursor,
  dueWork,
  finishWork,
  type NewWork,
  pendingWorkCount,
  retryWorkAt,
  type WorkItem,
} from '#store/work';

/**
 * Runs scheduled work: the same code whether `notify` tries new work at once or the `deliver` job
 * (EventBridge every minute in the cloud, every few seconds on the local stack) picks up what is
 * due. A failure that can pass is tried again with exponential back-off and jitter for the kind's
 * window (24 hours); a permanent one, or the end of the window, is recorded as given up, with the
 * events the kind says (`email.failed`) and any follow-up work (the rep's notice).
 */

export interface WorkOutcome {
  events?: DealEvent[];
  follow?: NewWork[];
  /** Kept on the finished item (e.g. the SES message id). */
  result?: Record<string, unknown>;
}

export interface WorkKind {
  /** Does the work once; throws on failure (`isTransientFailure` decides whether to try again). */
  run(work: WorkItem, now: string): Promise<WorkOutcome>;
  /** What to record when the work is given up: `reason` says why, `permanent` whether it was refused. */
  failed(
    work: WorkItem,
    failure: { reason: string; permanent: boolean; error: unknown },
    now: string,
  ): Promise<WorkOutcome>;
  /** Payload fields to drop once the work is finished (secrets such as a sealed link token). */
  forget?: string[];
  retry?: RetryPolicy;
}

const kinds = new Map<string, WorkKind>();

/** Registers the handler of a kind of work (email, and later reminders and webhooks). */
export function defineWorkKind(name: string, kind: WorkKind): void {
  kinds.set(name, kind);
}

export interface RunOptions {
  /** The clock (ISO); tests pass a fake one to drive the retry window. */
  now?: string;
  random?: () => number;
}

/** How long a claim holds work: longer than any function timeout, so a live try is never doubled. */
const LEASE_MS = 5 * 60 * 1000;
const PAGE = 50;

export type RunResult = 'done' | 'retry' | 'failed' | 'skipped';
export type RunCounts = Record<RunResult | 'postponed', number>;

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${typeof code === 'string' && !error.message.includes(code) ? ` ${code}` : ''}: ${error.message}`.slice(
      0,
      500,
    );
  }
  return String(error).slice(0, 500);
}

/** Claims one piece of work if it is due, tries it and records the outcome. */
export async function runWork(id: string, options: RunOptions = {}): Promise<RunResult> {
  const now = options.now ?? new Date().toISOString();
  const leaseId = randomUUID();
  const leaseUntil = new Date(Date.parse(now) + LEASE_MS).toISOString();
  const work = await claimWork(id, now, leaseUntil, leaseId);
  if (!work) return 'skipped';
  const kind = kinds.get(work.kind);
  if (!kind) {
    logger.error('no handler for this kind of work', { workId: work.id, kind: work.kind });
    await finishWork(work, leaseId, { status: 'failed', now, error: `unknown kind ${work.kind}` });
    return 'failed';
  }
  const forget = kind.forget ?? [];
  let error: unknown;
  try {
    const outcome = await kind.run(work, now);
    const finished = await finishWork(work, leaseId, { status: 'done', now, forget, ...outcome });
    if (!finished) logger.warn('work done after its lease lapsed', { workId: work.id });
    return 'done';
  } catch (thrown) {
    error = thrown;
  }
  const reason = describe(error);
  const transient = isTransientFailure(error);
  // The first try counts from the schedule time: createdAt + window is the last try.
  const next = transient
    ? nextAttemptAt(
        { createdAt: work.createdAt, attempts: work.attempts },
        now,
        kind.retry ?? DELIVERY_RETRY,
        options.random,
      )
    : undefined;
  if (next) {
    logger.warn('work failed, will retry', { workId: work.id, attempts: work.attempts, next, reason });
    await retryWorkAt(work, leaseId, next, reason);
    return 'retry';
  }
  logger.error('work given up', { workId: work.id, attempts: work.attempts, reason, transient });
  const failure = {
    reason: transient ? `still failing after ${work.attempts} tries over 24 hours: ${reason}` : reason,
    permanent: !transient,
    error,
  };
  const outcome = await kind.failed(work, failure, now);
  const finished = await finishWork(work, leaseId, {
    status: 'failed',
    now,
    error: reason,
    forget,
    ...outcome,
  });
  // Follow-up work (the rep's notice) is tried at once too, like any new work.
  if (finished) for (const next of outcome.follow ?? []) await runWork(next.id, { ...options, now });
  return 'failed';
}

/** Tries that failed for a reason that can pass, in a row, in this process (a circuit breaker). */
let retriesInARow = 0;
const OUTAGE_AFTER = 3;

/**
 * Runs each id in order; one failing never stops the next. While the service looks down (the last
 * tries all failed for a reason that can pass), a run tries only its first item, as a probe, and
 * leaves the rest due: an outage costs one build per run, not one per email.
 */
export async function runWorkItems(ids: string[], options: RunOptions = {}): Promise<RunCounts> {
  const counts: RunCounts = { done: 0, retry: 0, failed: 0, skipped: 0, postponed: 0 };
  for (const [index, id] of ids.entries()) {
    if (index > 0 && retriesInARow >= OUTAGE_AFTER) {
      counts.postponed++;
      continue;
    }
    try {
      const result = await runWork(id, options);
      if (result === 'retry') retriesInARow++;
      else if (result !== 'skipped') retriesInARow = 0;
      counts[result]++;
    } catch (error) {
      // Bookkeeping failed (the table unreachable): the claim lapses and the job tries again.
      logger.error('running work failed', { workId: id, error: error as Error });
      counts.skipped++;
    }
  }
  return counts;
}

/**
 * Runs everything due at `now`, in due order, for at most `budgetMs` (a Lambda timeout is near):
 * what is left stays due for the next run.
 */
export async function runDueWork(options: RunOptions & { budgetMs?: number } = {}): Promise<RunCounts> {
  const now = options.now ?? new Date().toISOString();
  const stopAt = Date.now() + (options.budgetMs ?? 45_000);
  const total: RunCounts = { done: 0, retry: 0, failed: 0, skipped: 0, postponed: 0 };
  let after: string | undefined;
  while (Date.now() < stopAt) {
    const due = await dueWork(now, PAGE, after);
    if (due.length === 0) break;
    const counts = await runWorkItems(
      due.map((w) => w.id),
      { ...options, now },
    );
    for (const key of Object.keys(total) as (keyof RunCounts)[]) total[key] += counts[key];
    const last = due.at(-1);
    // An outage: what is left stays due for the next run.
    if (!last || due.length < PAGE || counts.postponed > 0) break;
    after = dueCursor(last);
  }
  return total;
}

export interface WorkBacklog {
  /** Items pending: due now, or waiting for their next try. */
  pending: number;
  /** How long the oldest item that is due now has been waiting past its due time (0: none). */
  overdueSeconds: number;
}

/**
 * What is left after a run. Work that stays due run after run means deliveries are backing up (an
 * outage holding them back, or runs that fail or run out of time): the deliver job publishes these
 * figures and an alarm watches the second one.
 */
export async function workBacklog(now: Date = new Date()): Promise<WorkBacklog> {
  const [pending, [oldest]] = await Promise.all([pendingWorkCount(), dueWork(now.toISOString(), 1)]);
  const dueSince = oldest?.nextAttemptAt ? Date.parse(oldest.nextAttemptAt) : undefined;
  const overdueSeconds =
    dueSince === undefined || Number.isNaN(dueSince)
      ? 0
      : Math.max(0, Math.round((now.getTime() - dueSince) / 1000));
  return { pending, overdueSeconds };
}
