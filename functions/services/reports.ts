import type { User } from '#contracts/actor';
import { ForbiddenError } from '#domain/errors';
import {
  buildForecast,
  buildLossReasons,
  buildOwnersReport,
  buildPipelineReport,
  type DealChange,
  type ForecastPeriod,
  factsOf,
  type LossReasonRow,
  latestPerDeal,
  type OwnerReportRow,
  type Period,
  type PipelineReport,
  planChange,
  reportRange,
} from '#domain/reports';
import type { Deal } from '#schemas/deals';
import { chunkWrites, type MarkerWrite, queryBuckets, readMarkers, writeChunk } from '#store/aggregates';
import { batchGetItems } from '#store/batch';
import { queryDeals } from '#store/deals';
import { keys } from '#store/keys';
import { systemClock } from './clock.ts';
import { mapWithLimit } from './limit.ts';
import { defaultPipelineId, getPipeline } from './pipelines.ts';
import { backoff } from './retry.ts';

// ---------------------------------------------------------------------------------------------
// Keeping the aggregates

/** Rounds of read-markers / write before giving up (the caller's retry takes over). */
const MAX_ROUNDS = 8;

export interface ApplyResult {
  /** Deals whose aggregates changed. */
  applied: number;
  /** Deals already up to date (duplicates, older redeliveries, edits that move no bucket). */
  skipped: number;
}

/**
 * Brings the aggregates up to date with a batch of deal changes, exactly once each: the latest
 * change per deal is compared with the deal's marker and the difference written with the new marker
 * in one conditional transaction. A lost race (the same change delivered twice at once, two
 * transactions on one bucket) re-reads the markers and tries again; a duplicate finds its version
 * applied and does nothing. Throws when it cannot finish, so the stream retries the batch.
 */
export async function applyDealChanges(
  changes: Iterable<DealChange>,
  options: { concurrency?: number } = {},
): Promise<ApplyResult> {
  let pending = latestPerDeal(changes);
  const total = pending.length;
  let applied = 0;
  for (let round = 1; pending.length > 0; round++) {
    if (round > MAX_ROUNDS) {
      throw new Error(
        `aggregates: ${pending.length} deal change(s) still conflicting after ${MAX_ROUNDS} rounds`,
      );
    }
    if (round > 1) await backoff(round - 1);
    const markers = await readMarkers(pending.map((c) => c.dealId));
    const byDeal = new Map(pending.map((c) => [c.dealId, c]));
    const writes: MarkerWrite[] = [];
    for (const change of pending) {
      const before = markers.get(change.dealId);
      const plan = planChange(change, before);
      if (plan) writes.push({ before, after: { dealId: change.dealId, ...plan.after }, delta: plan.delta });
    }
    const chunks = chunkWrites(writes);
    const written = await mapWithLimit(chunks, options.concurrency ?? 1, writeChunk);
    pending = chunks.flatMap((chunk, i) =>
      written[i] ? [] : chunk.flatMap((w) => byDeal.get(w.after.dealId) ?? []),
    );
    applied += chunks.filter((_, i) => written[i]).reduce((n, c) => n + c.length, 0);
  }
  return { applied, skipped: total - applied };
}

/** A deal item as a change (a backfill, a recount): its current version. */
export function changeOfDeal(deal: Deal): DealChange {
  const facts = factsOf(deal as unknown as Record<string, unknown>);
  return { dealId: deal.id, version: deal.version, deleted: false, ...(facts ? { facts } : {}) };
}

/**
 * Counts every existing deal into the aggregates: for a table that had deals before the stream
 * consumer was deployed (the stream keeps 24 h). Safe while the consumer runs and safe to repeat:
 * a deal whose version is already applied is skipped. Reads every deal, so it is an operator's
 * tool, never a request path.
 */
export async function backfillAggregates(options: { concurrency?: number } = {}): Promise<ApplyResult> {
  const sum: ApplyResult = { applied: 0, skipped: 0 };
  let cursor: string | undefined;
  do {
    const page = await queryDeals(
      [{ index: 'byType', partition: keys.collectionPartitionOfDeals() }],
      {},
      cursor,
      200,
      () => true,
    );
    const result = await applyDealChanges(page.items.map(changeOfDeal), options);
    sum.applied += result.applied;
    sum.skipped += result.skipped;
    cursor = page.nextCursor;
  } while (cursor);
  return sum;
}

// ---------------------------------------------------------------------------------------------
// Reading reports

/** Reps see their own numbers; managers everyone's (undefined) or one owner's. */
function ownerScope(user: User, ownerId: string | undefined): string | undefined {
  if (user.manager) return ownerId;
  if (ownerId !== undefined && ownerId !== user.id) {
    throw new ForbiddenError('reps see their own numbers only: leave ownerId out or use your own id');
  }
  return user.id;
}

const today = () => systemClock().now;

export async function pipelineReport(
  query: { pipelineId?: string; ownerId?: string },
  user: User,
): Promise<PipelineReport> {
  const owner = ownerScope(user, query.ownerId);
  const pipeline = await getPipeline(query.pipelineId ?? (await defaultPipelineId()));
  const rows = await queryBuckets(keys.stageAggregatePartition(pipeline.id, keys.aggregateScope(owner)));
  return buildPipelineReport(pipeline, rows, owner);
}

export interface ForecastReport {
  period: Period;
  from: string;
  to: string;
  ownerId?: string;
  periods: ForecastPeriod[];
}

export async function forecastReport(
  query: { from?: string; to?: string; period?: Period; ownerId?: string },
  user: User,
): Promise<ForecastReport> {
  const owner = ownerScope(user, query.ownerId);
  const period = query.period ?? 'month';
  const range = reportRange(query, today(), 'ahead');
  const rows = await queryBuckets(
    keys.monthAggregatePartition(keys.aggregateScope(owner)),
    keys.monthRange(range.from, range.to),
  );
  return {
    period,
    ...range,
    ...(owner !== undefined ? { ownerId: owner } : {}),
    periods: buildForecast(rows, range, period),
  };
}

export interface OwnersReport {
  from: string;
  to: string;
  owners: OwnerReportRow[];
}

/** Names of at most this many reps are looked up (BatchGet, 100 a call); the others show their id. */
const MAX_NAMED_OWNERS = 500;

export async function ownersReport(query: { from?: string; to?: string }, user: User): Promise<OwnersReport> {
  const range = reportRange(query, today(), 'behind');
  const [closed, open] = await Promise.all([
    queryBuckets(keys.repAggregatePartition(), keys.monthRange(range.from, range.to)),
    queryBuckets(keys.openAggregatePartition()),
  ]);
  let owners = buildOwnersReport(closed, open);
  if (!user.manager) owners = owners.filter((o) => o.ownerId === user.id);
  const profiles = await batchGetItems(owners.slice(0, MAX_NAMED_OWNERS).map((o) => keys.user(o.ownerId)));
  const names = new Map(profiles.map((p) => [String(p.id), String(p.name)]));
  return {
    ...range,
    owners: owners.map((o) => {
      const name = names.get(o.ownerId);
      return name ? { ...o, ownerName: name } : o;
    }),
  };
}

export interface LossReasonsReport {
  from: string;
  to: string;
  ownerId?: string;
  reasons: LossReasonRow[];
}

export async function lossReasonsReport(
  query: { from?: string; to?: string; ownerId?: string },
  user: User,
): Promise<LossReasonsReport> {
  const owner = ownerScope(user, query.ownerId);
  const range = reportRange(query, today(), 'behind');
  const rows = await queryBuckets(
    keys.lossAggregatePartition(keys.aggregateScope(owner)),
    keys.monthRange(range.from, range.to),
  );
  return { ...range, ...(owner !== undefined ? { ownerId: owner } : {}), reasons: buildLossReasons(rows) };
}
