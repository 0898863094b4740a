import { getStringFromEnv } from '#config/env';
import type { User } from '#contracts/actor';
import {
  applyPatch,
  createDeal as buildDeal,
  canAccess,
  diff,
  fold,
  resolveLines,
  searchText,
  TRACKED_FIELDS,
} from '#domain/deals';
import { NotFoundError, PreconditionFailedError, ValidationError } from '#domain/errors';
import { newEvent, planStageMove, userActor } from '#domain/events';
import { findStage } from '#domain/pipelines';
import type { Product } from '#schemas/catalog';
import type {
  Deal,
  DealEvent,
  DealInput,
  DealListQuery,
  DealPatch,
  LineInput,
  StageMove,
} from '#schemas/deals';
import type { Pipeline } from '#schemas/pipelines';
import {
  addEvent,
  type DealSource,
  getDeal,
  listEvents,
  queryDeals,
  saveDeal,
  VersionConflictError,
} from '#store/deals';
import { keys } from '#store/keys';
import { getRecordItem, getRecords, type Page } from '#store/records';
import { rememberUser } from '#store/users';
import { systemClock } from './clock.ts';
import { defaultPipelineId, getPipeline } from './pipelines.ts';
import { done, lostRace, retryOnConflict } from './retry.ts';
import { saveNewDeal } from './tasks.ts';

/** What `deal.created` records of the new deal (API and import alike). */
export function dealCreatedData(deal: Deal): Record<string, unknown> {
  return {
    name: deal.name,
    stageId: deal.stageId,
    amount: deal.amount,
    currency: deal.currency,
    ownerId: deal.ownerId,
  };
}

async function pipelineFor(id: string | undefined, path: string): Promise<Pipeline> {
  const pipelineId = id ?? (await defaultPipelineId());
  try {
    return await getPipeline(pipelineId);
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new ValidationError('unknown pipeline', [{ path, message: `no pipeline "${pipelineId}"` }]);
    }
    throw error;
  }
}

/** Reference checks (422 on an unknown id) and the `repeat` flag in one pass over the client. */
async function clientOf(
  contactId: string | undefined,
  companyId: string | undefined,
): Promise<{ repeat: boolean }> {
  const [contact, company] = await Promise.all([
    contactId ? getRecordItem('Contact', contactId) : undefined,
    companyId ? getRecordItem('Company', companyId) : undefined,
  ]);
  const problems = [
    ...(contactId && !contact ? [{ path: 'body.contactId', message: `no contact "${contactId}"` }] : []),
    ...(companyId && !company ? [{ path: 'body.companyId', message: `no company "${companyId}"` }] : []),
  ];
  if (problems.length > 0) throw new ValidationError('unknown reference', problems);
  const won = (item: Record<string, unknown> | undefined) => Number(item?._wonDeals ?? 0) > 0;
  return { repeat: won(contact) || won(company) };
}

async function productsOf(lines: readonly LineInput[] | undefined): Promise<Map<string, Product>> {
  const ids = (lines ?? []).flatMap((l) => (l.productId ? [l.productId] : []));
  return ids.length > 0 ? getRecords<Product>('Product', ids) : new Map();
}

export async function createDeal(input: DealInput, user: User): Promise<Deal> {
  const [pipeline, client, products] = await Promise.all([
    pipelineFor(input.pipelineId, 'body.pipelineId'),
    clientOf(input.contactId, input.companyId),
    productsOf(input.lines),
  ]);
  const clock = systemClock();
  const deal = buildDeal(input, {
    ...clock,
    user,
    pipeline,
    products,
    repeat: client.repeat,
    defaultCurrency: getStringFromEnv('DEFAULT_CURRENCY', 'EUR'),
  });
  const event = newEvent(deal.id, 'deal.created', dealCreatedData(deal), userActor(user), clock);
  // With its follow-up task (services/tasks), in the same transaction.
  await Promise.all([saveNewDeal(deal, [event], pipeline, clock), rememberUser(user)]);
  return deal;
}

/** The deal, if this user may see it. Another rep's deal is "not found": its existence is not revealed. */
export async function getDealFor(id: string, user: User): Promise<Deal> {
  const deal = await getDeal(id);
  if (!deal || !canAccess(deal, user)) throw new NotFoundError(`no deal ${id}`);
  return deal;
}

/**
 * Read, change, write on the condition that nobody wrote in between; on a lost race, read again
 * and re-apply (a change only touches its own fields, so nobody's edit is lost). With If-Match
 * the caller asked for exactly that version: a mismatch is 412 instead of a retry.
 */
async function mutate(
  id: string,
  user: User,
  ifMatch: number | undefined,
  change: (deal: Deal, pipeline: Pipeline) => Promise<{ deal: Deal; events: DealEvent[] }>,
): Promise<Deal> {
  return retryOnConflict(async () => {
    const current = await getDealFor(id, user);
    if (ifMatch !== undefined && current.version !== ifMatch) {
      throw new PreconditionFailedError(`the deal is at version ${current.version}, not ${ifMatch}`, {
        currentVersion: current.version,
      });
    }
    const pipeline = await getPipeline(current.pipelineId);
    const { deal, events } = await change(current, pipeline);
    if (events.length === 0) return done(current);
    const next = { ...deal, version: current.version + 1 };
    try {
      await saveDeal(current, next, events);
      return done(next);
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      if (ifMatch !== undefined) throw new PreconditionFailedError('the deal changed in the meantime', {});
      return lostRace(error);
    }
  });
}

function updatedEvent(before: Deal, after: Deal, user: User): DealEvent[] {
  const changes = diff(before, after, TRACKED_FIELDS);
  return changes.length > 0
    ? [newEvent(after.id, 'deal.updated', { changes }, userActor(user), systemClock())]
    : [];
}

export function updateDeal(id: string, patch: DealPatch, user: User, ifMatch?: number): Promise<Deal> {
  return mutate(id, user, ifMatch, async (deal, pipeline) => {
    let next = applyPatch(deal, patch, { user, pipeline, now: systemClock().now });
    if (patch.contactId !== undefined || patch.companyId !== undefined) {
      const client = await clientOf(next.contactId, next.companyId);
      next = { ...next, repeat: client.repeat };
    }
    return { deal: next, events: updatedEvent(deal, next, user) };
  });
}

export function moveDealStage(id: string, move: StageMove, user: User): Promise<Deal> {
  return mutate(id, user, undefined, async (deal, pipeline) =>
    planStageMove(deal, move, pipeline, userActor(user), systemClock()),
  );
}

export function replaceDealLines(id: string, lines: LineInput[], user: User): Promise<Deal> {
  return mutate(id, user, undefined, async (deal, pipeline) => {
    const products = await productsOf(lines);
    const resolved = resolveLines(lines, products, deal.currency, systemClock(), 'body');
    const stage = findStage(pipeline, deal.stageId);
    if (!stage) throw new ValidationError('the deal stage no longer exists in its pipeline');
    const next = applyPatch({ ...deal, lines: resolved }, {}, { user, pipeline, now: systemClock().now });
    return { deal: next, events: updatedEvent(deal, next, user) };
  });
}

export async function dealTimeline(
  id: string,
  user: User,
  cursor: string | undefined,
  limit: number,
): Promise<Page<DealEvent>> {
  await getDealFor(id, user);
  return listEvents(id, cursor, limit);
}

export async function commentOnDeal(id: string, text: string, user: User): Promise<DealEvent> {
  await getDealFor(id, user);
  const event = newEvent(id, 'deal.comment', { text }, userActor(user), systemClock());
  await addEvent(event);
  return event;
}

/**
 * Picks the most selective index for the filters (stage, then pipeline, then owner), reads it in
 * close-date order and applies the remaining filters to what it reads. A rep without an owner
 * filter reads their own two partitions (owned, observed) merged.
 */
export async function listDeals(query: DealListQuery, user: User): Promise<Page<Deal>> {
  let sources: DealSource[];
  if (query.pipelineId && query.stageId) {
    sources = [{ index: 'byStage', partition: keys.stagePartition(query.pipelineId, query.stageId) }];
  } else if (query.pipelineId) {
    sources = [{ index: 'byPipeline', partition: keys.pipelinePartition(query.pipelineId) }];
  } else if (query.ownerId) {
    sources = [{ index: 'byOwner', partition: keys.ownerPartition(query.ownerId) }];
  } else if (user.manager) {
    sources = [{ index: 'byType', partition: keys.collectionPartitionOfDeals() }];
  } else {
    sources = [
      { index: 'byOwner', partition: keys.ownerPartition(user.id) },
      { index: 'byOwner', partition: keys.observerPartition(user.id), links: true },
    ];
  }
  const q = query.q ? fold(query.q) : undefined;
  const keep = (deal: Deal) =>
    canAccess(deal, user) &&
    (query.ownerId === undefined || deal.ownerId === query.ownerId) &&
    (query.status === undefined || deal.status === query.status) &&
    (query.minAmount === undefined || deal.amount >= query.minAmount) &&
    (query.maxAmount === undefined || deal.amount <= query.maxAmount) &&
    (query.contactId === undefined || deal.contactId === query.contactId) &&
    (query.companyId === undefined || deal.companyId === query.companyId) &&
    (q === undefined || searchText(deal).includes(q));
  return queryDeals(
    sources,
    {
      ...(query.closeFrom ? { from: query.closeFrom } : {}),
      ...(query.closeTo ? { to: query.closeTo } : {}),
    },
    query.cursor,
    query.limit ?? 50,
    keep,
  );
}
