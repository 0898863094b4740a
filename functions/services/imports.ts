/**
 * `POST /deals/import`: deals from a CSV file, idempotent by `externalId`.
 *
 * Everything is checked before anything is written: a file that cannot be read (encoding, quoting,
 * header, too many rows, ragged rows) is refused whole with a 4xx. Rows that can be read but break a
 * rule (unknown stage, bad amount, ...) are rejected one by one and listed; the other rows are
 * written. Importing the same file twice creates nothing the second time.
 *
 * One import writes at a time (a lease item, taken with one conditional write): new deals can then
 * go in plain batch writes, which cost DynamoDB half what transactions do, without two imports
 * racing for one externalId. Each group of new deals is written in three rounds, so that a write
 * cut short (throttling, a function that dies) never leaves a deal without its lookup:
 *   1. the `EXTERNAL#<id>` lookups (externalId → the new deal's id),
 *   2. the `deal.created` events (their id is the deal's: writing one again lands on the same item)
 *      and observer links,
 *   3. the deals.
 * A lookup whose deal is missing is therefore an import that stopped between rounds: the next
 * import of that row creates the deal under the recorded id. New won deals that bump a contact's or
 * company's won counter go in transactions instead (a counter is an update, not a put).
 *
 * A row whose externalId is known updates that deal with the row's non-empty cells, in a
 * transaction conditional on the version read, with its `deal.updated` / `deal.stage_changed`
 * events (reps may be editing the same deals); a row that changes nothing writes nothing.
 */
import { getNumberFromEnv, getStringFromEnv } from '#config/env';
import type { User } from '#contracts/actor';
import { currencyDigits } from '#contracts/currency';
import { CsvSyntaxError, parseCsv } from '#domain/csv';
import {
  applyPatch,
  createDeal as buildDeal,
  type Clock,
  canAccess,
  diff,
  EDITABLE_FIELDS,
  fold,
  TRACKED_FIELDS,
} from '#domain/deals';
import {
  BadRequestError,
  ConflictError,
  DomainError,
  PayloadTooLargeError,
  ValidationError,
} from '#domain/errors';
import { newEvent, planStageMove, userActor } from '#domain/events';
import {
  type ColumnMap,
  type ImportField,
  mapHeader,
  parseDecimal,
  parseList,
  parseMoment,
  parseProbability,
  type RawRow,
  readRow,
} from '#domain/imports';
import type { ImportResult } from '#schemas/csv';
import type { Deal, DealEvent } from '#schemas/deals';
import type { Pipeline, Stage } from '#schemas/pipelines';
import { ThrottledError } from '#store/batch';
import { getDeal } from '#store/deals';
import { acquireImportLease, releaseImportLease } from '#store/import-lock';
import {
  batchWriteNewDeals,
  changedDealItems,
  claimLookup,
  externalIdLookup,
  newDealItems,
  onlyPuts,
  packTransactions,
  readImportState,
  TransactionConflictError,
  transactImport,
} from '#store/imports';
import type { TransactItem } from '#store/items';
import { rememberUser } from '#store/users';
import { newId, systemClock } from './clock.ts';
import { dealCreatedData } from './deals.ts';
import { mapWithLimit } from './limit.ts';
import { countImport } from './metrics.ts';
import { defaultPipelineId, listPipelines } from './pipelines.ts';
import { done, lostRace, retryOnConflict } from './retry.ts';

/** The most rows one import takes; a larger file is refused (413): split it. */
export const MAX_IMPORT_ROWS = 10_000;
/** Transactions, or groups of batch-written deals, in flight while writing. */
const WRITE_CONCURRENCY = 8;
/** New deals per group of batch writes (lookups, then events, then deals). */
const BATCH_DEALS = 25;
/**
 * How long an import's lease holds if it is never given back: longer than the bulk function's
 * timeout (29 s), so only a dead import's lease lapses.
 */
const LEASE_MS = 60_000;
/**
 * Time from the start of a request after which no new write starts: what is left is answered as
 * `postponed` (import the same file again: done rows are unchanged). It leaves the writes in flight
 * and the answer time before API Gateway's 29 s.
 */
function writeBudgetMs(): number {
  return getNumberFromEnv('IMPORT_WRITE_BUDGET_MS', 24_000);
}

/** How often an update re-reads its deal after someone else changed it during the import. */

type Problem = { column: string; message: string };

interface Context {
  user: User;
  /** The deal schemas a row is checked against (loaded with the import: see `Contracts`). */
  schemas: Pick<typeof import('#schemas/deals'), 'DealInput' | 'DealPatch'>;
  clock: Clock;
  map: ColumnMap;
  pipelines: Pipeline[];
  defaultPipeline: Pipeline;
  defaultCurrency: string;
  /** externalId → dealId, for the externalIds of the file that exist. */
  externals: Map<string, string>;
  deals: Map<string, Deal>;
  contacts: Map<string, Record<string, unknown>>;
  companies: Map<string, Record<string, unknown>>;
}

type Plan =
  | {
      kind: 'create';
      row: RawRow;
      deal: Deal;
      /** The deal, its observer links, its event (and won counters, which need a transaction). */
      items: TransactItem[];
      /** The `EXTERNAL#` lookup to write first; absent when an interrupted import wrote it already. */
      lookup?: Record<string, unknown>;
    }
  | { kind: 'update'; row: RawRow; before: Deal; after: Deal; events: DealEvent[]; attach?: string }
  | { kind: 'unchanged'; row: RawRow }
  | { kind: 'reject'; row: RawRow; problems: Problem[] };

class RowError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((p) => `${p.column}: ${p.message}`).join('; '));
  }
}

const label = (ctx: Context, field: ImportField) => ctx.map.labels.get(field) ?? field;

function fail(ctx: Context, field: ImportField, message: string): never {
  throw new RowError([{ column: label(ctx, field), message }]);
}

// ---------------------------------------------------------------------------------------------
// Reading the file

/** The file as rows, or a 4xx that explains why it cannot be read. Nothing is written before this. */
export function readFile(text: string): { map: ColumnMap; rows: RawRow[] } {
  if (text.includes('\uFFFD')) {
    throw new BadRequestError('the file is not valid UTF-8: save it as "CSV UTF-8" and send it again');
  }
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      throw new BadRequestError(`the file is not valid CSV (${error.message}): nothing was imported`, {
        line: error.line,
      });
    }
    throw error;
  }
  const [header, ...data] = records;
  if (!header) throw new ValidationError('the file is empty: a header row is required');
  const map = mapHeader(header.fields);
  if (data.length === 0) throw new ValidationError('the file has a header row but no deals');
  if (data.length > MAX_IMPORT_ROWS) {
    throw new PayloadTooLargeError(
      `at most ${MAX_IMPORT_ROWS} rows per import (this file has ${data.length}): split it`,
    );
  }
  const ragged = data.filter((r) => r.fields.length !== map.width);
  if (ragged.length > 0) {
    throw new ValidationError(
      `${ragged.length} row(s) do not have the ${map.width} fields of the header: nothing was imported`,
      [
        ...ragged.slice(0, 20).map((r) => ({
          path: `line.${r.line}`,
          message: `${r.fields.length} fields instead of ${map.width} (a comma in an unquoted cell?)`,
        })),
      ],
    );
  }
  return { map, rows: data.map((r) => readRow(r, map)) };
}

// ---------------------------------------------------------------------------------------------
// Resolving references

function byIdOrName<T extends { id: string }>(
  items: readonly T[],
  text: string,
  names: (item: T) => (string | undefined)[],
): T | undefined | 'ambiguous' {
  const exact = items.find((i) => i.id === text);
  if (exact) return exact;
  const wanted = fold(text.trim());
  const found = items.filter((i) => names(i).some((n) => n !== undefined && fold(n) === wanted));
  if (found.length > 1) return 'ambiguous';
  return found[0];
}

function resolvePipeline(ctx: Context, row: RawRow): Pipeline {
  const text = row.values.pipeline;
  if (text === undefined) return ctx.defaultPipeline;
  const found = byIdOrName(ctx.pipelines, text, (p) => [p.name]);
  if (found === 'ambiguous') fail(ctx, 'pipeline', `several pipelines are named "${text}": use the id`);
  if (!found) fail(ctx, 'pipeline', `no pipeline "${text}"`);
  return found;
}

function resolveStage(ctx: Context, row: RawRow, pipeline: Pipeline): Stage | undefined {
  const text = row.values.stage;
  if (text === undefined) return undefined;
  const found = byIdOrName(pipeline.stages, text, (s) => [s.name, s.names?.en, s.names?.fr]);
  if (found === 'ambiguous')
    fail(ctx, 'stage', `several stages of "${pipeline.name}" are named "${text}": use the id`);
  if (!found) fail(ctx, 'stage', `no stage "${text}" in pipeline "${pipeline.name}"`);
  return found;
}

/** The typed values of a row's cells (amount in the given currency's minor units). */
function typedValues(ctx: Context, row: RawRow, currencyForAmount: string) {
  const v = row.values;
  const problems: Problem[] = [];
  const attempt = <T>(field: ImportField, parse: (text: string) => T): T | undefined => {
    const text = v[field];
    if (text === undefined) return undefined;
    try {
      return parse(text);
    } catch (error) {
      problems.push({ column: label(ctx, field), message: (error as Error).message });
      return undefined;
    }
  };
  const currency = v.currency?.toUpperCase();
  const values = {
    name: v.name,
    ownerId: v.ownerId,
    currency,
    amount: attempt('amount', (t) => parseDecimal(t, digitsOf(currency ?? currencyForAmount))),
    probability: attempt('probability', parseProbability),
    closeDate: v.closeDate,
    closedAt: attempt('closedAt', parseMoment),
    contactId: v.contactId,
    companyId: v.companyId,
    observerIds: attempt('observerIds', parseList),
    source: v.source,
    competitor: v.competitor,
    nextStep: v.nextStep,
    forecast: v.forecast,
    lossReason: v.lossReason,
    winLossNote: v.winLossNote,
    description: v.description,
  };
  for (const field of ['contactId', 'companyId'] as const) {
    const id = values[field];
    const known = field === 'contactId' ? ctx.contacts : ctx.companies;
    if (id !== undefined && !known.has(id)) {
      problems.push({
        column: label(ctx, field),
        message: `no ${field === 'contactId' ? 'contact' : 'company'} "${id}"`,
      });
    }
  }
  if (problems.length > 0) throw new RowError(problems);
  return values;
}

function digitsOf(currency: string): number {
  try {
    return currencyDigits(currency);
  } catch {
    return 2;
  }
}

/** Custom field cells typed as the pipeline defines them (numbers for number fields). */
function customValues(row: RawRow, pipeline: Pipeline): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, text] of Object.entries(row.custom)) {
    const def = pipeline.customFields.find((f) => f.key === key);
    if (def?.type === 'number') {
      const n = Number(text);
      if (!Number.isFinite(n)) throw new RowError([{ column: `custom.${key}`, message: 'must be a number' }]);
      out[key] = n;
    } else out[key] = text;
  }
  return out;
}

const won = (item: Record<string, unknown> | undefined) => Number(item?._wonDeals ?? 0) > 0;

function repeatOf(ctx: Context, contactId: string | undefined, companyId: string | undefined): boolean {
  return (
    won(contactId ? ctx.contacts.get(contactId) : undefined) ||
    won(companyId ? ctx.companies.get(companyId) : undefined)
  );
}

/** zod issues and domain error details ("body.amount") as problems named by the file's columns. */
function problemsOf(ctx: Context, error: unknown): Problem[] {
  const columnOf = (path: string) => {
    const field = path.replace(/^body\./, '').split('.')[0] ?? '';
    const importField =
      ({ pipelineId: 'pipeline', stageId: 'stage', customFields: 'custom' } as Record<string, string>)[
        field
      ] ?? field;
    return ctx.map.labels.get(importField as ImportField) ?? (importField || 'row');
  };
  if (error instanceof RowError) return error.problems;
  if (error instanceof DomainError) {
    const details = Array.isArray(error.details)
      ? (error.details as { path?: string; message?: string }[])
      : [];
    if (details.length === 0) return [{ column: 'row', message: error.message }];
    return details.map((d) => ({
      column: columnOf(String(d.path ?? '')),
      message: `${error.message}: ${d.message}`,
    }));
  }
  throw error;
}

function zodProblems(ctx: Context, issues: { path: PropertyKey[]; message: string }[]): Problem[] {
  return issues.map((i) => {
    const field = String(i.path[0] ?? '');
    const column =
      field === 'customFields'
        ? `custom.${String(i.path[1] ?? '')}`
        : (ctx.map.labels.get((field === 'pipelineId' ? 'pipeline' : field) as ImportField) ?? field);
    return { column, message: i.message };
  });
}

// ---------------------------------------------------------------------------------------------
// Planning

const withoutUndefined = <T extends Record<string, unknown>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * A new deal for the row. `recordedId` is the deal id a lookup already holds (an import that
 * stopped before writing the deal): the deal is created under it and the lookup is not rewritten.
 */
function planCreate(ctx: Context, row: RawRow, externalId: string, recordedId?: string): Plan {
  const pipeline = resolvePipeline(ctx, row);
  const stage = resolveStage(ctx, row, pipeline);
  const values = typedValues(ctx, row, ctx.defaultCurrency);
  if (values.name === undefined) fail(ctx, 'name', 'a new deal needs a name');
  const { closedAt, ...fields } = values;
  const custom = customValues(row, pipeline);
  const input = ctx.schemas.DealInput.safeParse(
    withoutUndefined({
      ...fields,
      pipelineId: pipeline.id,
      stageId: stage?.id,
      ...(Object.keys(custom).length > 0 ? { customFields: custom } : {}),
    }),
  );
  if (!input.success) return { kind: 'reject', row, problems: zodProblems(ctx, input.error.issues) };
  const built = buildDeal(input.data, {
    ...ctx.clock,
    user: ctx.user,
    pipeline,
    products: new Map(),
    repeat: repeatOf(ctx, input.data.contactId, input.data.companyId),
    defaultCurrency: ctx.defaultCurrency,
  });
  const deal = recordedId === undefined ? built : { ...built, id: recordedId };
  if (closedAt !== undefined) {
    if (deal.status === 'open') fail(ctx, 'closedAt', 'only a won or lost deal has a closing date');
    deal.closedAt = closedAt;
  }
  // The created event takes the deal's id, so writing it again (finishing an interrupted import)
  // replaces it instead of adding a second one. Nothing else can have that id.
  const event = {
    ...newEvent(
      deal.id,
      'deal.created',
      { ...dealCreatedData(deal), importedAs: externalId },
      userActor(ctx.user),
      ctx.clock,
    ),
    id: deal.id,
  };
  return {
    kind: 'create',
    row,
    deal,
    items: newDealItems(deal, event),
    ...(recordedId === undefined ? { lookup: externalIdLookup(externalId, deal.id, ctx.clock.now) } : {}),
  };
}

/** What a row patches directly: the editable fields, but the observers (a list, compared as a set). */
const PATCHED = EDITABLE_FIELDS.filter((f) => f !== 'observerIds');

function planUpdate(ctx: Context, row: RawRow, before: Deal, attach: string | undefined): Plan {
  if (!canAccess(before, ctx.user)) {
    // By id, another rep's deal is answered exactly as an unknown one (the API's 404 rule): the
    // file must not tell whether it exists. An external id that another rep's import used cannot
    // be reused, and says no more than that.
    if (row.values.id !== undefined) fail(ctx, 'id', unknownDeal(row.values.id));
    fail(ctx, 'externalId', 'is already used by another import: choose another');
  }
  const pipeline = ctx.pipelines.find((p) => p.id === before.pipelineId);
  if (!pipeline) fail(ctx, 'pipeline', `the deal's pipeline ${before.pipelineId} no longer exists`);
  if (row.values.pipeline !== undefined && resolvePipeline(ctx, row).id !== pipeline.id) {
    fail(ctx, 'pipeline', 'a deal cannot move to another pipeline');
  }
  const stage = resolveStage(ctx, row, pipeline);
  const values = typedValues(ctx, row, before.currency);
  const events: DealEvent[] = [];
  let current = before;
  const lossReason = values.lossReason;
  if (stage && stage.id !== before.stageId) {
    const moved = planStageMove(
      before,
      { stageId: stage.id, ...(lossReason !== undefined ? { lossReason } : {}) },
      pipeline,
      userActor(ctx.user),
      ctx.clock,
    );
    current = moved.deal;
    events.push(...moved.events);
  }
  const patch: Record<string, unknown> = {};
  const now = current as unknown as Record<string, unknown>;
  for (const field of PATCHED) {
    const value = values[field];
    if (value !== undefined && value !== now[field]) patch[field] = value;
  }
  if (values.observerIds !== undefined) {
    const wanted = [...new Set(values.observerIds)]
      .filter((id) => id !== (values.ownerId ?? current.ownerId))
      .sort();
    if (JSON.stringify(wanted) !== JSON.stringify([...current.observerIds].sort()))
      patch.observerIds = wanted;
  }
  const custom = Object.fromEntries(
    Object.entries(customValues(row, pipeline)).filter(([k, v]) => current.customFields[k] !== v),
  );
  if (Object.keys(custom).length > 0) patch.customFields = custom;
  let next = current;
  if (Object.keys(patch).length > 0) {
    const parsed = ctx.schemas.DealPatch.safeParse(patch);
    if (!parsed.success) return { kind: 'reject', row, problems: zodProblems(ctx, parsed.error.issues) };
    next = applyPatch(current, parsed.data, { user: ctx.user, pipeline, now: ctx.clock.now });
    if (parsed.data.contactId !== undefined || parsed.data.companyId !== undefined) {
      next = { ...next, repeat: repeatOf(ctx, next.contactId, next.companyId) };
    }
  }
  if (values.closedAt !== undefined && values.closedAt !== next.closedAt) {
    if (next.status === 'open') fail(ctx, 'closedAt', 'only a won or lost deal has a closing date');
    next = { ...next, closedAt: values.closedAt, updatedAt: ctx.clock.now };
  }
  // From the deal after its stage move: what the move itself changed is in its own event.
  const changes = diff(current, next, [...TRACKED_FIELDS, 'closedAt']);
  if (changes.length > 0) {
    events.push(
      newEvent(
        before.id,
        'deal.updated',
        { changes, importedAs: row.values.externalId },
        userActor(ctx.user),
        ctx.clock,
      ),
    );
  }
  if (events.length === 0) {
    return attach
      ? { kind: 'update', row, before, after: before, events: [], attach }
      : { kind: 'unchanged', row };
  }
  return {
    kind: 'update',
    row,
    before,
    after: { ...next, version: before.version + 1 },
    events,
    ...(attach ? { attach } : {}),
  };
}

const unknownDeal = (id: string) => `no deal "${id}" (leave id empty to create deals)`;

function planRow(ctx: Context, row: RawRow): Plan {
  try {
    const externalId = row.values.externalId;
    const id = row.values.id;
    const known = externalId !== undefined ? ctx.externals.get(externalId) : undefined;
    if (id !== undefined) {
      if (known !== undefined && known !== id)
        fail(ctx, 'externalId', `already imported as deal ${known}, not ${id}`);
      const deal = ctx.deals.get(id);
      if (!deal) fail(ctx, 'id', unknownDeal(id));
      return planUpdate(
        ctx,
        row,
        deal,
        externalId !== undefined && known === undefined ? externalId : undefined,
      );
    }
    if (externalId === undefined) fail(ctx, 'externalId', 'is required');
    if (known !== undefined) {
      const deal = ctx.deals.get(known);
      // The lookup is written before its deal: an import stopped in between. Finish it.
      if (!deal) return planCreate(ctx, row, externalId, known);
      return planUpdate(ctx, row, deal, undefined);
    }
    return planCreate(ctx, row, externalId);
  } catch (error) {
    return { kind: 'reject', row, problems: problemsOf(ctx, error) };
  }
}

/** Rows naming the same deal twice (same externalId, same id) are all rejected: which one wins? */
function duplicates(ctx: Context, rows: readonly RawRow[]): Map<RawRow, Problem[]> {
  const seen = new Map<string, RawRow[]>();
  for (const row of rows) {
    const target =
      row.values.id ??
      (row.values.externalId !== undefined ? ctx.externals.get(row.values.externalId) : undefined);
    const names = [
      ...(row.values.externalId !== undefined ? [`externalId "${row.values.externalId}"`] : []),
      ...(target !== undefined ? [`deal ${target}`] : []),
    ];
    for (const name of names) seen.set(name, [...(seen.get(name) ?? []), row]);
  }
  const out = new Map<RawRow, Problem[]>();
  for (const [name, list] of seen) {
    if (list.length < 2) continue;
    const lines = list.map((r) => r.line).join(', ');
    for (const row of list) {
      out.set(row, [
        ...(out.get(row) ?? []),
        { column: 'row', message: `${name} appears on lines ${lines}: once per file` },
      ]);
    }
  }
  return out;
}

/** What the import plans from must be what is written now: strongly consistent reads. */

async function loadContext(user: User, map: ColumnMap, rows: readonly RawRow[]): Promise<Context> {
  const pipelines: Pipeline[] = [];
  let cursor: string | undefined;
  do {
    const page = await listPipelines(cursor, 200);
    pipelines.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  const defaultId = await defaultPipelineId();
  const defaultPipeline = pipelines.find((p) => p.id === defaultId);
  if (!defaultPipeline) throw new Error('the default pipeline is missing');

  const state = await readImportState({
    externalIds: rows.flatMap((r) => (r.values.externalId !== undefined ? [r.values.externalId] : [])),
    contactIds: rows.flatMap((r) => (r.values.contactId ? [r.values.contactId] : [])),
    companyIds: rows.flatMap((r) => (r.values.companyId ? [r.values.companyId] : [])),
    dealIds: (externals) => [
      ...rows.flatMap((r) => (r.values.id !== undefined ? [r.values.id] : [])),
      ...externals.values(),
    ],
  });
  return {
    user,
    schemas: await import('#schemas/deals'),
    clock: systemClock(),
    map,
    pipelines,
    defaultPipeline,
    defaultCurrency: getStringFromEnv('DEFAULT_CURRENCY', 'EUR'),
    ...state,
  };
}

// ---------------------------------------------------------------------------------------------
// Writing

type Create = Extract<Plan, { kind: 'create' }>;

/** A transactional creation: its items and, last, the claim of its externalId. */
const transactionItems = (plan: Create) =>
  plan.lookup ? [...plan.items, claimLookup(plan.lookup)] : plan.items;

/** A transaction, tried again (under the one retry policy) when it collided with another one. */
function transactRetrying(items: TransactItem[]) {
  return retryOnConflict(async () => {
    try {
      return done(await transactImport(items));
    } catch (error) {
      if (error instanceof TransactionConflictError) return lostRace(error);
      throw error;
    }
  });
}

type Outcome =
  | { row: RawRow; result: 'created' | 'updated' | 'unchanged' | 'postponed' }
  | { row: RawRow; problems: Problem[] };

/**
 * New deals in batch writes, in the three rounds the module comment explains: lookups, then
 * events and observer links, then the deals. Rows DynamoDB kept throttling are postponed: their
 * next import finishes them.
 */
async function writeBatch(group: Create[]): Promise<Outcome[]> {
  try {
    await batchWriteNewDeals(group);
  } catch (error) {
    if (!(error instanceof ThrottledError)) throw error;
    return group.map((plan) => ({ row: plan.row, result: 'postponed' }));
  }
  return group.map((plan) => ({ row: plan.row, result: 'created' }));
}

/** New deals that bump won counters, in transactions of several deals. */
async function writeTransaction(ctx: Context, group: Create[]): Promise<Outcome[]> {
  const result = await transactRetrying(group.flatMap(transactionItems));
  if (result.ok) return group.map((plan) => ({ row: plan.row, result: 'created' }));
  // One of them failed its condition: find out which, one deal at a time.
  const single: Outcome[] = [];
  for (const plan of group) {
    const items = transactionItems(plan);
    const one = await transactRetrying(items);
    if (one.ok) single.push({ row: plan.row, result: 'created' });
    else {
      const claimFailed = plan.lookup !== undefined && one.failed.includes(items.length - 1);
      single.push({
        row: plan.row,
        problems: [
          claimFailed
            ? {
                column: label(ctx, 'externalId'),
                message: 'was imported by someone else meanwhile: import the file again',
              }
            : { column: 'row', message: 'a contact or company of this deal no longer exists' },
        ],
      });
    }
  }
  return single;
}

async function writeCreates(ctx: Context, plans: Create[], deadline: number): Promise<Outcome[]> {
  const batched = plans.filter((plan) => onlyPuts(plan.items));
  const groups: { batch: boolean; plans: Create[] }[] = [];
  for (let i = 0; i < batched.length; i += BATCH_DEALS) {
    groups.push({ batch: true, plans: batched.slice(i, i + BATCH_DEALS) });
  }
  for (const group of packTransactions(
    plans.filter((plan) => !onlyPuts(plan.items)),
    transactionItems,
  )) {
    groups.push({ batch: false, plans: group });
  }
  const outcomes = await mapWithLimit(groups, WRITE_CONCURRENCY, async (group): Promise<Outcome[]> => {
    if (Date.now() > deadline) return group.plans.map((p) => ({ row: p.row, result: 'postponed' }));
    return group.batch ? writeBatch(group.plans) : writeTransaction(ctx, group.plans);
  });
  return outcomes.flat();
}

type Update = Extract<Plan, { kind: 'update' }>;

function updateItems(ctx: Context, plan: Update): TransactItem[] {
  const attach = plan.attach ? externalIdLookup(plan.attach, plan.before.id, ctx.clock.now) : undefined;
  return changedDealItems(plan.before, plan.after, plan.events, attach);
}

const updated = (plan: Update): Outcome => ({
  row: plan.row,
  result: plan.events.length > 0 ? 'updated' : 'unchanged',
});

/** A deal that kept changing under the import (the retry policy ran out). */
class DealKeptChangingError extends ConflictError {}

/** One update alone, re-reading and re-planning its deal when someone changed it meanwhile. */
async function writeUpdate(ctx: Context, plan: Update): Promise<Outcome> {
  const changed: Outcome = {
    row: plan.row,
    problems: [{ column: 'row', message: 'the deal changed during the import: import the file again' }],
  };
  let current = plan;
  try {
    return await retryOnConflict<Outcome>(async () => {
      const items = updateItems(ctx, current);
      const result = await transactRetrying(items);
      if (result.ok) return done(updated(current));
      if (current.attach && result.failed.includes(items.length - 1)) {
        return done({
          row: plan.row,
          problems: [{ column: label(ctx, 'externalId'), message: 'is already used by another deal' }],
        });
      }
      const fresh = await getDeal(current.before.id);
      if (!fresh) return done(changed);
      const replanned = planUpdate({ ...ctx, clock: systemClock() }, plan.row, fresh, current.attach);
      if (replanned.kind === 'unchanged') return done({ row: plan.row, result: 'unchanged' });
      if (replanned.kind !== 'update')
        return done({ row: plan.row, problems: replanned.kind === 'reject' ? replanned.problems : [] });
      current = replanned;
      return lostRace(new DealKeptChangingError('the deal changed during the import'));
    });
  } catch (error) {
    if (error instanceof DealKeptChangingError) return changed;
    throw error;
  }
}

/**
 * Updates in transactions of several deals, each conditional on the version read (reps may be
 * editing them). A pack that fails a condition goes again one deal at a time.
 */
async function writeUpdates(ctx: Context, plans: Update[], deadline: number): Promise<Outcome[]> {
  const packs = packTransactions(plans, (plan) => updateItems(ctx, plan));
  const outcomes = await mapWithLimit(packs, WRITE_CONCURRENCY, async (group): Promise<Outcome[]> => {
    if (Date.now() > deadline) return group.map((p) => ({ row: p.row, result: 'postponed' }));
    if (group.length > 1) {
      const result = await transactRetrying(group.flatMap((plan) => updateItems(ctx, plan)));
      if (result.ok) return group.map(updated);
    }
    const one: Outcome[] = [];
    for (const plan of group) one.push(await writeUpdate(ctx, plan));
    return one;
  });
  return outcomes.flat();
}

/** Validates every row, then (unless a dry run) writes the valid ones; reports what happened per row. */
export async function importDeals(
  text: string,
  options: { dryRun: boolean },
  user: User,
): Promise<ImportResult> {
  const deadline = Date.now() + writeBudgetMs();
  const { map, rows } = readFile(text);
  if (options.dryRun) return await planAndWrite(user, map, rows, { dryRun: true, deadline });
  // The lease is taken before reading what exists, so what this import reads stays true while it
  // writes: no other import can create the same externalIds meanwhile.
  const lease = await takeLease(user);
  try {
    const result = await planAndWrite(user, map, rows, { dryRun: false, deadline });
    countImport(result);
    return result;
  } finally {
    await releaseImportLease(lease);
  }
}

function takeLease(user: User): Promise<string> {
  return retryOnConflict(async () => {
    const now = new Date();
    const id = newId();
    const taken = await acquireImportLease({
      id,
      holderId: user.id,
      holderName: user.name || user.id,
      startedAt: now.toISOString(),
      until: new Date(now.getTime() + LEASE_MS).toISOString(),
    });
    if (taken.ok) return done(id);
    const since = taken.holder?.startedAt ?? now.toISOString();
    const busy = new ConflictError(
      `another import is running (started by ${taken.holder?.holderName ?? 'someone'} at ${since}): send this file again when it has finished`,
      { startedAt: since, ...(taken.holder ? { startedBy: taken.holder.holderId } : {}) },
    );
    // Released between the write and the read: try again.
    if (!taken.holder) return lostRace(busy);
    throw busy;
  });
}

async function planAndWrite(
  user: User,
  map: ColumnMap,
  rows: RawRow[],
  options: { dryRun: boolean; deadline: number },
): Promise<ImportResult> {
  const { deadline } = options;
  const ctx = await loadContext(user, map, rows);
  const dupes = duplicates(ctx, rows);
  const plans = rows.map((row): Plan => {
    const problems = dupes.get(row);
    return problems ? { kind: 'reject', row, problems } : planRow(ctx, row);
  });
  const rejected = plans.filter((p): p is Extract<Plan, { kind: 'reject' }> => p.kind === 'reject');
  const creates = plans.filter((p): p is Create => p.kind === 'create');
  const updates = plans.filter((p): p is Update => p.kind === 'update');
  let outcomes: Outcome[];
  if (options.dryRun) {
    outcomes = [
      ...creates.map((p) => ({ row: p.row, result: 'created' as const })),
      ...updates.map((p) => ({
        row: p.row,
        result: p.events.length > 0 ? ('updated' as const) : ('unchanged' as const),
      })),
    ];
  } else {
    await rememberUser(user);
    outcomes = [
      ...(await writeCreates(ctx, creates, deadline)),
      ...(await writeUpdates(ctx, updates, deadline)),
    ];
  }
  outcomes.push(
    ...plans.filter((p) => p.kind === 'unchanged').map((p) => ({ row: p.row, result: 'unchanged' as const })),
  );
  outcomes.push(...rejected.map((p) => ({ row: p.row, problems: p.problems })));
  const count = (result: string) => outcomes.filter((o) => 'result' in o && o.result === result).length;
  const errors = outcomes
    .flatMap((o) => ('problems' in o ? [o] : []))
    .sort((a, b) => a.row.line - b.row.line)
    .map((o) => ({
      line: o.row.line,
      ...(o.row.values.externalId !== undefined ? { externalId: o.row.values.externalId } : {}),
      ...(o.row.values.id !== undefined ? { id: o.row.values.id } : {}),
      problems: o.problems,
    }));
  return {
    dryRun: options.dryRun,
    rows: rows.length,
    created: count('created'),
    updated: count('updated'),
    unchanged: count('unchanged'),
    rejected: errors.length,
    postponed: count('postponed'),
    errors,
    ignoredColumns: map.ignored,
  };
}
