/**
 * Pipeline reports, pure. A deal contributes `{count: 1, amount, weighted}` to a handful of buckets
 * (its stage, its month, its rep, its loss reason; each for its owner and for everyone). The
 * aggregates hold the sum of the contributions of every deal; a change to a deal moves its
 * contribution from the old buckets to the new ones (`delta`). Reports read buckets, never deals.
 *
 * Months are UTC calendar months (YYYY-MM): open deals count in the month of their expected close
 * date, won and lost deals in the month they were closed (`closedAt`). Money never mixes currencies:
 * every bucket has one, and reports list totals per currency.
 */
import type { Pipeline, Stage } from '#schemas/pipelines';
import { ValidationError } from './errors.ts';

export type DealStatus = 'open' | 'won' | 'lost';

/** The fields of a deal that the reports read. */
export interface DealFacts {
  ownerId: string;
  pipelineId: string;
  stageId: string;
  status: DealStatus;
  amount: number;
  weightedAmount: number;
  currency: string;
  closeDate: string;
  closedAt?: string;
  updatedAt?: string;
  lossReason?: string;
}

/** `owner: null` is everyone's bucket (managers), a user id that user's own. */
export type Bucket =
  | { type: 'stage'; owner: string | null; pipelineId: string; stageId: string; currency: string }
  | { type: 'month'; owner: string | null; month: string; status: DealStatus; currency: string }
  | { type: 'rep'; ownerId: string; month: string; status: 'won' | 'lost'; currency: string }
  | { type: 'open'; ownerId: string; currency: string }
  | { type: 'loss'; owner: string | null; month: string; reason: string; currency: string };

export interface Amounts {
  count: number;
  amount: number;
  weighted: number;
}

export interface Contribution extends Amounts {
  bucket: Bucket;
}

/** The loss reason of a lost deal that has none (older data): reported under this label. */
export const NO_REASON = '(none)';

/** One string per bucket: equal buckets, equal ids. */
export function bucketId(b: Bucket): string {
  switch (b.type) {
    case 'stage':
      return JSON.stringify([b.type, b.owner, b.pipelineId, b.stageId, b.currency]);
    case 'month':
      return JSON.stringify([b.type, b.owner, b.month, b.status, b.currency]);
    case 'rep':
      return JSON.stringify([b.type, b.ownerId, b.month, b.status, b.currency]);
    case 'open':
      return JSON.stringify([b.type, b.ownerId, b.currency]);
    case 'loss':
      return JSON.stringify([b.type, b.owner, b.month, b.reason, b.currency]);
  }
}

export function monthOf(isoDateOrTime: string): string {
  return isoDateOrTime.slice(0, 7);
}

/** The month a won or lost deal counts in. */
export function closingMonth(deal: DealFacts): string {
  return monthOf(deal.closedAt ?? deal.updatedAt ?? deal.closeDate);
}

/** What one deal adds to the aggregates; nothing for a deal that does not exist (deleted). */
export function contributions(deal: DealFacts | undefined): Contribution[] {
  if (!deal) return [];
  const values = { count: 1, amount: deal.amount, weighted: deal.weightedAmount };
  const { ownerId, currency } = deal;
  const out: Contribution[] = [];
  const month = deal.status === 'open' ? monthOf(deal.closeDate) : closingMonth(deal);
  for (const owner of [ownerId, null]) {
    out.push({
      bucket: { type: 'stage', owner, pipelineId: deal.pipelineId, stageId: deal.stageId, currency },
      ...values,
    });
    out.push({ bucket: { type: 'month', owner, month, status: deal.status, currency }, ...values });
    if (deal.status === 'lost') {
      const reason = deal.lossReason?.trim() || NO_REASON;
      out.push({ bucket: { type: 'loss', owner, month, reason, currency }, ...values });
    }
  }
  if (deal.status === 'open') out.push({ bucket: { type: 'open', ownerId, currency }, ...values });
  else out.push({ bucket: { type: 'rep', ownerId, month, status: deal.status, currency }, ...values });
  return out;
}

export const isZero = (a: Amounts) => a.count === 0 && a.amount === 0 && a.weighted === 0;

/** Adds up contributions bucket by bucket. */
export function sumContributions(list: Iterable<Contribution>): Map<string, Contribution> {
  const sums = new Map<string, Contribution>();
  for (const c of list) {
    const id = bucketId(c.bucket);
    const sum = sums.get(id);
    if (sum) {
      sum.count += c.count;
      sum.amount += c.amount;
      sum.weighted += c.weighted;
    } else {
      sums.set(id, { bucket: c.bucket, count: c.count, amount: c.amount, weighted: c.weighted });
    }
  }
  return sums;
}

/** What to add to the aggregates to go from `before` to `after`: non-zero changes only. */
export function delta(before: readonly Contribution[], after: readonly Contribution[]): Contribution[] {
  const negated = before.map((c) => ({
    bucket: c.bucket,
    count: -c.count,
    amount: -c.amount,
    weighted: -c.weighted,
  }));
  return [...sumContributions([...negated, ...after]).values()].filter((c) => !isZero(c));
}

const STATUSES: readonly string[] = ['open', 'won', 'lost'];

/** The report facts of a table item (a stream image, a stored deal), or undefined if it is no deal. */
export function factsOf(item: Record<string, unknown> | undefined): DealFacts | undefined {
  if (!item) return undefined;
  const { ownerId, pipelineId, stageId, status, amount, weightedAmount, currency, closeDate } = item;
  if (
    typeof ownerId !== 'string' ||
    typeof pipelineId !== 'string' ||
    typeof stageId !== 'string' ||
    typeof status !== 'string' ||
    !STATUSES.includes(status) ||
    typeof currency !== 'string' ||
    typeof closeDate !== 'string'
  ) {
    return undefined;
  }
  const number = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v ?? 0) || 0);
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const facts: DealFacts = {
    ownerId,
    pipelineId,
    stageId,
    status: status as DealStatus,
    amount: number(amount),
    weightedAmount: number(weightedAmount),
    currency,
    closeDate,
  };
  const closedAt = text(item.closedAt);
  const updatedAt = text(item.updatedAt);
  const lossReason = text(item.lossReason);
  if (closedAt) facts.closedAt = closedAt;
  if (updatedAt) facts.updatedAt = updatedAt;
  if (lossReason) facts.lossReason = lossReason;
  return facts;
}

// ---------------------------------------------------------------------------------------------
// Months and periods

export type Period = 'month' | 'quarter';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

function parts(month: string): { year: number; m: number } {
  const match = MONTH.exec(month);
  if (!match) throw new RangeError(`not a month (YYYY-MM): ${month}`);
  return { year: Number(match[1]), m: Number(match[2]) };
}

function index(month: string): number {
  const { year, m } = parts(month);
  return year * 12 + (m - 1);
}

function fromIndex(i: number): string {
  const year = Math.floor(i / 12);
  return `${String(year).padStart(4, '0')}-${String((i % 12) + 1).padStart(2, '0')}`;
}

export function addMonths(month: string, n: number): string {
  return fromIndex(index(month) + n);
}

/** Every month from `from` to `to`, both included. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let i = index(from); i <= index(to); i++) out.push(fromIndex(i));
  return out;
}

export function quarterOf(month: string): string {
  const { year, m } = parts(month);
  return `${year}-Q${Math.floor((m - 1) / 3) + 1}`;
}

export function periodOf(month: string, period: Period): string {
  return period === 'month' ? month : quarterOf(month);
}

function firstMonthOfQuarter(month: string): string {
  const { year, m } = parts(month);
  return `${year}-${String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, '0')}`;
}

/** Widens a month range to whole periods (quarters start in January, April, July, October). */
export function alignToPeriod(from: string, to: string, period: Period): { from: string; to: string } {
  if (period === 'month') return { from, to };
  return { from: firstMonthOfQuarter(from), to: addMonths(firstMonthOfQuarter(to), 2) };
}

function lastDay(month: string): string {
  const { year, m } = parts(month);
  const day = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return `${month}-${String(day).padStart(2, '0')}`;
}

/** The first and last day of a period label (`2026-05`, `2026-Q2`). */
export function periodBounds(label: string): { start: string; end: string } {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(label);
  if (quarter) {
    const first = `${quarter[1]}-${String((Number(quarter[2]) - 1) * 3 + 1).padStart(2, '0')}`;
    return { start: `${first}-01`, end: lastDay(addMonths(first, 2)) };
  }
  return { start: `${label}-01`, end: lastDay(label) };
}

/** The longest range a report covers in one request: three years of months. */
export const MAX_REPORT_MONTHS = 36;

/**
 * The months a report covers: the given ones, or the defaults (`ahead`: from this month on, for
 * forecasts; otherwise the twelve months up to this one), widened to whole periods and checked.
 */
export function reportRange(
  input: { from?: string; to?: string; period?: Period },
  today: string,
  defaults: 'ahead' | 'behind',
): { from: string; to: string } {
  const period = input.period ?? 'month';
  const current = monthOf(today);
  const span = 12;
  let from = input.from;
  let to = input.to;
  if (defaults === 'ahead') {
    from ??= to ? addMonths(to, -(span - 1)) : current;
    to ??= addMonths(from, span - 1);
  } else {
    to ??= from ? addMonths(from, span - 1) : current;
    from ??= addMonths(to, -(span - 1));
  }
  const aligned = alignToPeriod(from, to, period);
  if (index(aligned.to) < index(aligned.from)) {
    throw new ValidationError('the range ends before it starts', [
      { path: 'query.to', message: `must not be before ${aligned.from}` },
    ]);
  }
  const months = index(aligned.to) - index(aligned.from) + 1;
  if (months > MAX_REPORT_MONTHS) {
    throw new ValidationError(`a report covers at most ${MAX_REPORT_MONTHS} months`, [
      { path: 'query.to', message: `${months} months asked; split the range` },
    ]);
  }
  return aligned;
}

// ---------------------------------------------------------------------------------------------
// Report assembly

export interface MoneyTotal {
  currency: string;
  count: number;
  amount: number;
  weightedAmount: number;
}

/** A count, and money per currency (never summed across currencies). */
export interface Tally {
  count: number;
  totals: MoneyTotal[];
}

export function tally(rows: Iterable<Contribution>): Tally {
  const byCurrency = new Map<string, MoneyTotal>();
  for (const row of rows) {
    if (isZero(row)) continue;
    const currency = row.bucket.currency;
    const total = byCurrency.get(currency) ?? { currency, count: 0, amount: 0, weightedAmount: 0 };
    total.count += row.count;
    total.amount += row.amount;
    total.weightedAmount += row.weighted;
    byCurrency.set(currency, total);
  }
  const totals = [...byCurrency.values()]
    .filter((t) => t.count !== 0 || t.amount !== 0)
    .sort((a, b) => (a.currency < b.currency ? -1 : 1));
  return { count: totals.reduce((n, t) => n + t.count, 0), totals };
}

export interface PipelineReportStage extends Tally {
  stageId: string;
  name: string;
  kind: Stage['kind'];
  probability: number;
}

export interface PipelineReport {
  pipelineId: string;
  pipelineName: string;
  ownerId?: string;
  stages: PipelineReportStage[];
  /** Every deal in an open stage. */
  open: Tally;
}

export function buildPipelineReport(
  pipeline: Pick<Pipeline, 'id' | 'name' | 'stages'>,
  rows: readonly Contribution[],
  ownerId: string | undefined,
): PipelineReport {
  const byStage = (stageId: string) =>
    rows.filter((r) => r.bucket.type === 'stage' && r.bucket.stageId === stageId);
  const stages = pipeline.stages.map((s) => ({
    stageId: s.id,
    name: s.name,
    kind: s.kind,
    probability: s.probability,
    ...tally(byStage(s.id)),
  }));
  const openIds = new Set(pipeline.stages.filter((s) => s.kind === 'open').map((s) => s.id));
  const open = tally(rows.filter((r) => r.bucket.type === 'stage' && openIds.has(r.bucket.stageId)));
  return {
    pipelineId: pipeline.id,
    pipelineName: pipeline.name,
    ...(ownerId !== undefined ? { ownerId } : {}),
    stages,
    open,
  };
}

export interface ForecastPeriod {
  period: string;
  start: string;
  end: string;
  /** Open deals expected to close in the period (weighted by each deal's probability). */
  open: Tally;
  /** Deals won in the period. */
  won: Tally;
  /** Deals lost in the period. */
  lost: Tally;
}

export function buildForecast(
  rows: readonly Contribution[],
  range: { from: string; to: string },
  period: Period,
): ForecastPeriod[] {
  const labels = [...new Set(monthsBetween(range.from, range.to).map((m) => periodOf(m, period)))];
  return labels.map((label) => {
    const inPeriod = (status: DealStatus) =>
      rows.filter(
        (r) =>
          r.bucket.type === 'month' &&
          r.bucket.status === status &&
          periodOf(r.bucket.month, period) === label,
      );
    return {
      period: label,
      ...periodBounds(label),
      open: tally(inPeriod('open')),
      won: tally(inPeriod('won')),
      lost: tally(inPeriod('lost')),
    };
  });
}

export interface OwnerReportRow {
  ownerId: string;
  ownerName?: string;
  /** Won in the range (by closing date). */
  won: Tally;
  /** Lost in the range (by closing date). */
  lost: Tally;
  /** Open right now, whatever the expected close date (weighted: the weighted pipeline). */
  open: Tally;
  /** won / (won + lost) over the range, 0..1 to four decimals; null when nothing closed. */
  winRate: number | null;
}

export function winRate(won: number, lost: number): number | null {
  return won + lost === 0 ? null : Math.round((won / (won + lost)) * 10_000) / 10_000;
}

/** One row per rep with anything closed in the range or open now, in owner id order. */
export function buildOwnersReport(
  closedRows: readonly Contribution[],
  openRows: readonly Contribution[],
  names: ReadonlyMap<string, string> = new Map(),
): OwnerReportRow[] {
  const ownerOf = (b: Bucket) => (b.type === 'rep' || b.type === 'open' ? b.ownerId : undefined);
  const owners = new Set(
    [...closedRows, ...openRows].filter((r) => !isZero(r)).flatMap((r) => ownerOf(r.bucket) ?? []),
  );
  return [...owners].sort().map((ownerId) => {
    const closed = (status: 'won' | 'lost') =>
      tally(
        closedRows.filter(
          (r) => r.bucket.type === 'rep' && r.bucket.ownerId === ownerId && r.bucket.status === status,
        ),
      );
    const won = closed('won');
    const lost = closed('lost');
    const name = names.get(ownerId);
    return {
      ownerId,
      ...(name ? { ownerName: name } : {}),
      won,
      lost,
      open: tally(openRows.filter((r) => r.bucket.type === 'open' && r.bucket.ownerId === ownerId)),
      winRate: winRate(won.count, lost.count),
    };
  });
}

export interface LossReasonRow {
  lossReason: string;
  count: number;
  totals: MoneyTotal[];
}

/** Lost deals per reason, most frequent first. */
export function buildLossReasons(rows: readonly Contribution[]): LossReasonRow[] {
  const reasons = new Map<string, Contribution[]>();
  for (const row of rows) {
    if (row.bucket.type !== 'loss') continue;
    const list = reasons.get(row.bucket.reason) ?? [];
    list.push(row);
    reasons.set(row.bucket.reason, list);
  }
  return [...reasons.entries()]
    .map(([lossReason, list]) => ({ lossReason, ...tally(list) }))
    .filter((r) => r.count !== 0)
    .sort((a, b) => b.count - a.count || (a.lossReason < b.lossReason ? -1 : 1));
}

// ---------------------------------------------------------------------------------------------
// Applying changes exactly once

/** A deal as a stream record shows it: its version and its facts, or its deletion. */
export interface DealChange {
  dealId: string;
  version: number;
  deleted: boolean;
  facts?: DealFacts;
}

/** What the aggregates hold of a deal (the marker). */
export interface AppliedState {
  version: number;
  deleted: boolean;
  buckets: Contribution[];
}

/** Of two changes of a deal, the later one: higher version; a deletion after the version it deletes. */
function later(a: DealChange, b: DealChange): DealChange {
  if (a.version !== b.version) return a.version > b.version ? a : b;
  return b.deleted && !a.deleted ? b : a;
}

/**
 * The latest change of each deal in a batch. The aggregates hold a deal's latest state, so the
 * intermediate ones need not be applied one by one: the difference is taken from what is applied.
 */
export function latestPerDeal(changes: Iterable<DealChange>): DealChange[] {
  const latest = new Map<string, DealChange>();
  for (const change of changes) {
    const seen = latest.get(change.dealId);
    latest.set(change.dealId, seen ? later(seen, change) : change);
  }
  return [...latest.values()];
}

/**
 * Whether a change is newer than what is applied. Versions only grow, so a duplicate or an older
 * redelivery is not; a deletion is newer than the version it deleted, and only once.
 */
export function supersedes(change: DealChange, applied: AppliedState | undefined): boolean {
  if (!applied) return true;
  if (change.deleted) return !applied.deleted && applied.version <= change.version;
  return change.version > applied.version;
}

/**
 * The marker to write and the bucket changes for one change, or undefined when there is nothing
 * to do (an old or duplicate delivery, or an edit that moves no bucket).
 */
export function planChange(
  change: DealChange,
  applied: AppliedState | undefined,
): { after: AppliedState; delta: Contribution[] } | undefined {
  if (!supersedes(change, applied)) return undefined;
  const buckets = change.deleted ? [] : contributions(change.facts);
  const moves = delta(applied?.buckets ?? [], buckets);
  // Deletions always leave a tombstone, so that no stale record brings the deal back.
  if (applied && !applied.deleted && !change.deleted && moves.length === 0) return undefined;
  return { after: { version: change.version, deleted: change.deleted, buckets }, delta: moves };
}
