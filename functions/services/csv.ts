/**
 * CSV files of the reports and of the deals. Money is a decimal number in the currency's unit
 * (cents → euros with the currency's minor digits), its currency in a column of its own; text cells
 * that a spreadsheet would run as a formula are neutralised (see #domain/csv).
 */

import type { User } from '#contracts/actor';
import { currencyDigits, minorToDecimal } from '#contracts/currency';
import { type Cell, formatCsv, numeric } from '#domain/csv';
import { EDITABLE_FIELDS, type EditableField } from '#domain/deals';
import type { MoneyTotal, PipelineReport, Tally } from '#domain/reports';
import type { Deal, DealListQuery } from '#schemas/deals';
import type { Pipeline } from '#schemas/pipelines';
import { listDeals } from './deals.ts';
import { getPipeline } from './pipelines.ts';
import type { ForecastReport, LossReasonsReport, OwnersReport } from './reports.ts';

export function money(amount: number, currency: string): Cell {
  return numeric(minorToDecimal(amount, currencyDigits(currency)));
}

/** One row per currency of a tally, or one row with blank money when it has none. */
function perCurrency(tallies: Tally[]): (string | undefined)[] {
  const currencies = [...new Set(tallies.flatMap((t) => t.totals.map((m) => m.currency)))].sort();
  return currencies.length > 0 ? currencies : [undefined];
}

function totalOf(tally: Tally, currency: string | undefined): MoneyTotal | undefined {
  return currency === undefined ? undefined : tally.totals.find((t) => t.currency === currency);
}

function amounts(total: MoneyTotal | undefined, currency: string | undefined, weighted: boolean): Cell[] {
  const cells: Cell[] = [
    total?.count ?? 0,
    currency === undefined ? undefined : money(total?.amount ?? 0, currency),
  ];
  if (weighted) cells.push(currency === undefined ? undefined : money(total?.weightedAmount ?? 0, currency));
  return cells;
}

export function pipelineReportCsv(report: PipelineReport): string {
  const header = [
    'row',
    'stageId',
    'stage',
    'kind',
    'probability',
    'currency',
    'count',
    'amount',
    'weightedAmount',
  ];
  const rows: Cell[][] = [];
  for (const stage of report.stages) {
    for (const currency of perCurrency([stage])) {
      rows.push([
        'stage',
        stage.stageId,
        stage.name,
        stage.kind,
        stage.probability,
        currency,
        ...amounts(totalOf(stage, currency), currency, true),
      ]);
    }
  }
  for (const currency of perCurrency([report.open])) {
    rows.push([
      'open total',
      undefined,
      undefined,
      'open',
      undefined,
      currency,
      ...amounts(totalOf(report.open, currency), currency, true),
    ]);
  }
  return formatCsv(header, rows);
}

export function forecastCsv(report: ForecastReport): string {
  const header = [
    'period',
    'start',
    'end',
    'currency',
    'openCount',
    'openAmount',
    'openWeightedAmount',
    'wonCount',
    'wonAmount',
    'lostCount',
    'lostAmount',
  ];
  const rows: Cell[][] = [];
  for (const p of report.periods) {
    for (const currency of perCurrency([p.open, p.won, p.lost])) {
      rows.push([
        p.period,
        p.start,
        p.end,
        currency,
        ...amounts(totalOf(p.open, currency), currency, true),
        ...amounts(totalOf(p.won, currency), currency, false),
        ...amounts(totalOf(p.lost, currency), currency, false),
      ]);
    }
  }
  return formatCsv(header, rows);
}

export function ownersCsv(report: OwnersReport): string {
  const header = [
    'ownerId',
    'ownerName',
    'currency',
    'wonCount',
    'wonAmount',
    'lostCount',
    'lostAmount',
    'openCount',
    'openAmount',
    'openWeightedAmount',
    'winRate',
  ];
  const rows: Cell[][] = [];
  for (const o of report.owners) {
    for (const currency of perCurrency([o.won, o.lost, o.open])) {
      rows.push([
        o.ownerId,
        o.ownerName,
        currency,
        ...amounts(totalOf(o.won, currency), currency, false),
        ...amounts(totalOf(o.lost, currency), currency, false),
        ...amounts(totalOf(o.open, currency), currency, true),
        o.winRate === null ? undefined : numeric(o.winRate),
      ]);
    }
  }
  return formatCsv(header, rows);
}

export function lossReasonsCsv(report: LossReasonsReport): string {
  const header = ['lossReason', 'currency', 'count', 'amount'];
  const rows: Cell[][] = [];
  for (const r of report.reasons) {
    for (const t of r.totals) rows.push([r.lossReason, t.currency, t.count, money(t.amount, t.currency)]);
  }
  return formatCsv(header, rows);
}

// ---------------------------------------------------------------------------------------------
// Deals

/** The most deals one export holds: about 3 MB of CSV, well inside a Lambda response (6 MB). */
export const MAX_EXPORT_ROWS = 10_000;
/** Pages of `listDeals` one export reads at most (each page reads a bounded number of index pages). */
const MAX_EXPORT_PAGES = 500;
const PAGE = 200;

/** The export's columns, in order; the import reads the same names (README "CSV export and import"). */
/** The export's columns: identity and stage, every editable field, then what is computed. */
export const DEAL_COLUMNS = [
  'id',
  'name',
  'pipelineId',
  'pipelineName',
  'stageId',
  'stageName',
  'status',
  ...EDITABLE_FIELDS.filter((f): f is Exclude<EditableField, 'name'> => f !== 'name'),
  'weightedAmount',
  'closedAt',
  'repeat',
  'createdAt',
  'updatedAt',
  'version',
] as const;

export const CUSTOM_COLUMN_PREFIX = 'custom.';

function dealRow(deal: Deal, pipeline: Pipeline | undefined, customKeys: readonly string[]): Cell[] {
  const stage = pipeline?.stages.find((s) => s.id === deal.stageId);
  const cells: Record<(typeof DEAL_COLUMNS)[number], Cell> = {
    id: deal.id,
    name: deal.name,
    pipelineId: deal.pipelineId,
    pipelineName: pipeline?.name,
    stageId: deal.stageId,
    stageName: stage?.name,
    status: deal.status,
    ownerId: deal.ownerId,
    amount: money(deal.amount, deal.currency),
    currency: deal.currency,
    probability: deal.probability,
    weightedAmount: money(deal.weightedAmount, deal.currency),
    closeDate: deal.closeDate,
    closedAt: deal.closedAt,
    contactId: deal.contactId,
    companyId: deal.companyId,
    observerIds: deal.observerIds.join(';'),
    source: deal.source,
    competitor: deal.competitor,
    nextStep: deal.nextStep,
    forecast: deal.forecast,
    lossReason: deal.lossReason,
    winLossNote: deal.winLossNote,
    description: deal.description,
    repeat: deal.repeat,
    createdAt: deal.createdAt,
    updatedAt: deal.updatedAt,
    version: deal.version,
  };
  return [...DEAL_COLUMNS.map((c) => cells[c]), ...customKeys.map((k) => deal.customFields[k])];
}

export interface DealExport {
  csv: string;
  rows: number;
  /** Set when more deals match: the same query with this cursor continues the export. */
  nextCursor?: string;
}

/**
 * The deals `GET /deals` would list with the same filters (and the same access rules), every page
 * of it up to `limit` deals, as one CSV file.
 */
export async function exportDeals(
  query: Omit<DealListQuery, 'limit'> & { limit?: number },
  user: User,
): Promise<DealExport> {
  const max = Math.min(query.limit ?? MAX_EXPORT_ROWS, MAX_EXPORT_ROWS);
  const deals: Deal[] = [];
  let cursor = query.cursor;
  for (let pages = 0; pages < MAX_EXPORT_PAGES && deals.length < max; pages++) {
    const page = await listDeals({ ...query, cursor, limit: Math.min(PAGE, max - deals.length) }, user);
    deals.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  const pipelines = new Map<string, Pipeline | undefined>();
  for (const id of new Set(deals.map((d) => d.pipelineId))) {
    pipelines.set(id, await getPipeline(id).catch(() => undefined));
  }
  const customKeys = [...new Set(deals.flatMap((d) => Object.keys(d.customFields)))].sort();
  const header = [...DEAL_COLUMNS, ...customKeys.map((k) => `${CUSTOM_COLUMN_PREFIX}${k}`)];
  const csv = formatCsv(
    header,
    deals.map((d) => dealRow(d, pipelines.get(d.pipelineId), customKeys)),
  );
  return { csv, rows: deals.length, ...(cursor ? { nextCursor: cursor } : {}) };
}
