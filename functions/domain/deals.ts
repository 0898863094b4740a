import type { User } from '#contracts/actor';
import type { Product } from '#schemas/catalog';
import type { Deal, DealInput, DealPatch, Line, LineInput, StageMove } from '#schemas/deals';
import type { CustomFieldDefinition, Pipeline, Stage } from '#schemas/pipelines';
import { ForbiddenError, ValidationError } from './errors.ts';
import { computeTotals, MAX_AMOUNT, percentOf } from './money.ts';
import { findStage } from './pipelines.ts';

/** Fields whose changes land in `deal.updated` events, with from/to. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface Clock {
  now: string;
  newId: () => string;
}

type Problem = { path: string; message: string };

/** Today + 6 weeks, as an ISO date. */
export function defaultCloseDate(now: string): string {
  const date = new Date(now);
  date.setUTCDate(date.getUTCDate() + 42);
  return date.toISOString().slice(0, 10);
}

/** A rep sees the deals they own or observe; a manager sees all. */
export function canAccess(deal: Pick<Deal, 'ownerId' | 'observerIds'>, user: User): boolean {
  return user.manager || deal.ownerId === user.id || deal.observerIds.includes(user.id);
}

/** Lines from input: product defaults filled in, ids kept or generated, currencies checked. */
export function resolveLines(
  inputs: readonly LineInput[],
  products: ReadonlyMap<string, Product>,
  currency: string,
  clock: Pick<Clock, 'newId'>,
  path = 'body.lines',
): Line[] {
  const problems: Problem[] = [];
  const lines = inputs.map((input, i): Line | undefined => {
    const product = input.productId ? products.get(input.productId) : undefined;
    if (input.productId && !product) {
      problems.push({ path: `${path}.${i}.productId`, message: `unknown product "${input.productId}"` });
      return undefined;
    }
    if (product && product.currency !== currency && input.unitPrice === undefined) {
      problems.push({
        path: `${path}.${i}.productId`,
        message: `the product is priced in ${product.currency}, the deal in ${currency}: give a unitPrice`,
      });
      return undefined;
    }
    const name = input.name ?? product?.name;
    const unitPrice = input.unitPrice ?? product?.unitPrice;
    if (name === undefined)
      problems.push({ path: `${path}.${i}.name`, message: 'a name or a productId is required' });
    if (unitPrice === undefined) {
      problems.push({ path: `${path}.${i}.unitPrice`, message: 'a unitPrice or a productId is required' });
    }
    if (name === undefined || unitPrice === undefined) return undefined;
    const description = input.description ?? product?.description;
    return {
      id: input.id ?? clock.newId(),
      ...(input.productId ? { productId: input.productId } : {}),
      name,
      ...(description ? { description } : {}),
      quantity: input.quantity,
      unitPrice,
      discountPercent: input.discountPercent ?? 0,
      taxRate: input.taxRate ?? product?.taxRate ?? 0,
    };
  });
  const ids = new Set<string>();
  for (const [i, line] of lines.entries()) {
    if (line && ids.has(line.id)) problems.push({ path: `${path}.${i}.id`, message: 'duplicate line id' });
    if (line) ids.add(line.id);
  }
  if (problems.length > 0) throw new ValidationError('invalid lines', problems);
  return lines as Line[];
}

/** Checks custom values against the pipeline's definitions; `null` removes a value. */
export function mergeCustomFields(
  definitions: readonly CustomFieldDefinition[],
  current: Record<string, string | number>,
  changes: Record<string, string | number | null>,
  options: { requireAll: boolean },
): Record<string, string | number> {
  const problems: Problem[] = [];
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const next: Record<string, string | number> = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    const def = byKey.get(key);
    const path = `body.customFields.${key}`;
    if (!def) {
      problems.push({ path, message: `no custom field "${key}" in this pipeline` });
      continue;
    }
    if (value === null) {
      delete next[key];
      continue;
    }
    const ok =
      (def.type === 'text' && typeof value === 'string') ||
      (def.type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
      (def.type === 'date' &&
        typeof value === 'string' &&
        /^\d{4}-\d{2}-\d{2}$/.test(value) &&
        !Number.isNaN(Date.parse(value))) ||
      (def.type === 'select' && typeof value === 'string' && (def.options ?? []).includes(value));
    if (!ok) {
      const expected =
        def.type === 'select'
          ? `one of ${(def.options ?? []).map((o) => `"${o}"`).join(', ')}`
          : `a ${def.type}`;
      problems.push({ path, message: `must be ${expected}` });
      continue;
    }
    next[key] = value;
  }
  if (options.requireAll) {
    for (const def of definitions) {
      if (def.required && next[def.key] === undefined) {
        problems.push({ path: `body.customFields.${def.key}`, message: 'is required' });
      }
    }
  }
  if (problems.length > 0) throw new ValidationError('invalid custom fields', problems);
  return next;
}

/**
 * Recomputes what follows from the rest: amount from lines (when there are lines), weighted
 * amount, status from the stage's kind, closedAt when it closes (cleared when it reopens).
 */
export function derive(deal: Deal, stage: Stage, now: string): Deal {
  const amount = deal.lines.length > 0 ? computeTotals(deal.lines, deal.discountPercent).net : deal.amount;
  if (amount > MAX_AMOUNT) {
    throw new ValidationError('the deal amount must not exceed 10^13 minor units', [
      { path: 'body', message: `computed amount ${amount} is too large` },
    ]);
  }
  const status = stage.kind;
  const closedAt =
    status === 'open' ? undefined : deal.status === status && deal.closedAt ? deal.closedAt : now;
  const next: Deal = { ...deal, amount, status, weightedAmount: percentOf(amount, deal.probability) };
  if (closedAt) next.closedAt = closedAt;
  else delete next.closedAt;
  if (status !== 'lost') delete next.lossReason;
  return next;
}

export interface CreateContext extends Clock {
  user: User;
  pipeline: Pipeline;
  products: ReadonlyMap<string, Product>;
  /** True when the contact or company already has a won deal. */
  repeat: boolean;
  defaultCurrency: string;
}

export function createDeal(input: DealInput, ctx: CreateContext): Deal {
  const { pipeline, user } = ctx;
  const stageId = input.stageId ?? pipeline.stages[0]?.id;
  const stage = stageId ? findStage(pipeline, stageId) : undefined;
  if (!stage)
    throw new ValidationError('unknown stage', [
      { path: 'body.stageId', message: `no stage "${stageId}" in this pipeline` },
    ]);
  const ownerId = input.ownerId ?? user.id;
  if (ownerId !== user.id && !user.manager)
    throw new ForbiddenError('only managers can create deals for someone else');
  if (stage.kind === 'lost' && !input.lossReason) {
    throw new ValidationError('a loss reason is required for a lost stage', [
      { path: 'body.lossReason', message: 'is required' },
    ]);
  }
  const lines = input.lines ?? [];
  if (lines.length > 0 && input.amount !== undefined) {
    throw new ValidationError('amount is computed from lines', [
      { path: 'body.amount', message: 'omit it when giving lines' },
    ]);
  }
  const currency = input.currency ?? ctx.defaultCurrency;
  const { lines: _lines, stageId: _stage, pipelineId: _pipeline, customFields, ...fields } = input;
  const deal: Deal = {
    ...fields,
    id: ctx.newId(),
    pipelineId: pipeline.id,
    stageId: stage.id,
    status: 'open',
    amount: input.amount ?? 0,
    currency,
    probability: input.probability ?? stage.probability,
    weightedAmount: 0,
    closeDate: input.closeDate ?? defaultCloseDate(ctx.now),
    ownerId,
    observerIds: [...new Set(input.observerIds ?? [])].filter((id) => id !== ownerId),
    customFields: mergeCustomFields(pipeline.customFields, {}, customFields ?? {}, { requireAll: true }),
    repeat: ctx.repeat,
    lines: resolveLines(lines, ctx.products, currency, ctx),
    discountPercent: input.discountPercent ?? 0,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
  };
  return derive(deal, stage, ctx.now);
}

export interface PatchContext {
  user: User;
  pipeline: Pipeline;
  now: string;
}

const comparable = (v: unknown) => JSON.stringify(v ?? null);

/** Lists what changed between two versions of a deal, for the `deal.updated` event. */
export function diff(before: Deal, after: Deal, fields: readonly string[]): FieldChange[] {
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  return fields
    .filter((f) => comparable(b[f]) !== comparable(a[f]))
    .map((field) => ({ field, from: b[field] ?? null, to: a[field] ?? null }));
}

/**
 * A deal's editable fields: what a rep sets directly (PATCH) and an import row can set. The one list
 * behind the change tracking (TRACKED_FIELDS), the CSV export's columns and the import's patch.
 */
export const EDITABLE_FIELDS = [
  'name',
  'ownerId',
  'amount',
  'currency',
  'probability',
  'closeDate',
  'contactId',
  'companyId',
  'observerIds',
  'source',
  'competitor',
  'nextStep',
  'forecast',
  'lossReason',
  'winLossNote',
  'description',
] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** Fields a diff reports after any write (the ones the write can touch, derived ones included). */
export const TRACKED_FIELDS = [
  ...EDITABLE_FIELDS,
  'customFields',
  'discountPercent',
  'lines',
  'repeat',
] as const;

/** Applies a PATCH: only the fields it names change, so re-applying it on a fresher copy is safe. */
export function applyPatch(deal: Deal, patch: DealPatch, ctx: PatchContext): Deal {
  const stage = findStage(ctx.pipeline, deal.stageId);
  if (!stage) throw new ValidationError('the deal stage no longer exists in its pipeline');
  if (
    patch.ownerId !== undefined &&
    patch.ownerId !== deal.ownerId &&
    !ctx.user.manager &&
    ctx.user.id !== deal.ownerId
  ) {
    throw new ForbiddenError('only the owner or a manager can hand a deal over');
  }
  if (patch.amount !== undefined && deal.lines.length > 0) {
    throw new ValidationError('amount is computed from lines', [
      { path: 'body.amount', message: 'the deal has lines' },
    ]);
  }
  if (patch.lossReason !== undefined && patch.lossReason !== null && stage.kind !== 'lost') {
    throw new ValidationError('only a lost deal has a loss reason', [
      { path: 'body.lossReason', message: 'move the deal to a lost stage' },
    ]);
  }
  if (patch.lossReason === null && stage.kind === 'lost') {
    throw new ValidationError('a lost deal needs a loss reason', [
      { path: 'body.lossReason', message: 'is required' },
    ]);
  }
  const next: Record<string, unknown> = { ...deal };
  const { customFields, ...rest } = patch;
  for (const [field, value] of Object.entries(rest)) {
    if (value === null) delete next[field];
    else if (value !== undefined) next[field] = value;
  }
  if (customFields) {
    next.customFields = mergeCustomFields(ctx.pipeline.customFields, deal.customFields, customFields, {
      requireAll: false,
    });
  }
  const owner = next.ownerId as string;
  next.observerIds = [...new Set(next.observerIds as string[])].filter((id) => id !== owner);
  next.updatedAt = ctx.now;
  return derive(next as unknown as Deal, stage, ctx.now);
}

/** Any stage at any time; a lost stage needs a loss reason. Probability resets to the stage's. */
export function moveToStage(
  deal: Deal,
  move: StageMove,
  pipeline: Pipeline,
  now: string,
): { deal: Deal; from: Stage | undefined; to: Stage } {
  const to = findStage(pipeline, move.stageId);
  if (!to)
    throw new ValidationError('unknown stage', [
      { path: 'body.stageId', message: `no stage "${move.stageId}" in this pipeline` },
    ]);
  if (to.kind === 'lost' && !move.lossReason) {
    throw new ValidationError('a loss reason is required to move a deal to a lost stage', [
      { path: 'body.lossReason', message: 'is required' },
    ]);
  }
  const from = findStage(pipeline, deal.stageId);
  const next: Deal = { ...deal, stageId: to.id, probability: to.probability, updatedAt: now };
  if (to.kind === 'lost' && move.lossReason) next.lossReason = move.lossReason;
  return { deal: derive(next, to, now), from, to };
}

/** Lower-cased, accent-free text a `q` filter matches against. */
export function searchText(deal: Pick<Deal, 'name' | 'source' | 'competitor' | 'nextStep'>): string {
  return fold([deal.name, deal.source, deal.competitor, deal.nextStep].filter(Boolean).join(' \u0000 '));
}

export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}
