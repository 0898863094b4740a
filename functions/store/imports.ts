import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ConflictError } from '#domain/errors';
import type { Deal, DealEvent } from '#schemas/deals';
import { batchGetItems, batchPutItems } from './batch.ts';
import { dealWriteItems, eventItem } from './deals.ts';
import { put, type TransactItem, toResource, transact } from './items.ts';
import { keys } from './keys.ts';

/**
 * The CSV import's side of the table: what it reads in bulk, the items a row writes, how they are
 * packed into transactions and batch writes. The use case (services/imports) decides what to
 * write; this module alone knows keys, items and DynamoDB's limits.
 */

const MAX_TRANSACTION_ITEMS = 100;
const CONSISTENT = { consistent: true };

/** Another transaction touched one of the same items at the same moment: the caller may retry. */
export class TransactionConflictError extends ConflictError {}

/** The import's view of the table before planning: lookups, the clients named, the deals named. */
export async function readImportState(wanted: {
  externalIds: string[];
  contactIds: string[];
  companyIds: string[];
  dealIds: (externals: Map<string, string>) => string[];
}): Promise<{
  externals: Map<string, string>;
  contacts: Map<string, Record<string, unknown>>;
  companies: Map<string, Record<string, unknown>>;
  deals: Map<string, Deal>;
}> {
  const [externalItems, contacts, companies] = await Promise.all([
    batchGetItems(
      wanted.externalIds.map((id) => keys.externalId(id)),
      CONSISTENT,
    ),
    batchGetItems(
      wanted.contactIds.map((id) => keys.record('Contact', id)),
      CONSISTENT,
    ),
    batchGetItems(
      wanted.companyIds.map((id) => keys.record('Company', id)),
      CONSISTENT,
    ),
  ]);
  const externals = new Map(externalItems.map((i) => [String(i.externalId), String(i.dealId)]));
  const dealItems = await batchGetItems(
    wanted.dealIds(externals).map((id) => keys.deal(id)),
    CONSISTENT,
  );
  return {
    externals,
    contacts: new Map(contacts.map((i) => [String(i.id), i])),
    companies: new Map(companies.map((i) => [String(i.id), i])),
    deals: new Map(dealItems.map((i) => [String(i.id), toResource<Deal>(i)])),
  };
}

/** The lookup externalId → deal id. */
export function externalIdLookup(externalId: string, dealId: string, now: string): Record<string, unknown> {
  return { ...keys.externalId(externalId), entity: 'ExternalId', externalId, dealId, createdAt: now };
}

/** A lookup in a transaction: only if that externalId is not taken. */
export const claimLookup = (lookup: Record<string, unknown>): TransactItem =>
  put(lookup, { expression: 'attribute_not_exists(PK)' });

/** A new deal's items: the deal (and what it bumps) and its `deal.created` event, put as is. */
export function newDealItems(deal: Deal, event: DealEvent): TransactItem[] {
  return [...dealWriteItems(undefined, deal, []), put(eventItem(event))];
}

/** A changed deal's items (conditional on the version read), and the claim of an externalId it takes. */
export function changedDealItems(
  before: Deal,
  after: Deal,
  events: DealEvent[],
  attach?: Record<string, unknown>,
): TransactItem[] {
  const items = events.length > 0 ? dealWriteItems(before, after, events) : [];
  if (attach) items.push(claimLookup(attach));
  return items;
}

/** A creation that only puts items can go in batch writes; one that bumps a won counter cannot. */
export const onlyPuts = (items: readonly TransactItem[]) => items.every((item) => item.Put !== undefined);

const itemKey = (item: TransactItem): string => {
  const key = item.Put?.Item ?? item.Update?.Key ?? item.Delete?.Key ?? item.ConditionCheck?.Key ?? {};
  return `${String(key.PK)}\u0000${String(key.SK)}`;
};

/**
 * Packs plans into transactions of at most 100 items. A transaction may not touch an item twice,
 * so a plan that shares an item with the current pack (two won deals of one contact both bump its
 * counter) starts a new one.
 */
export function packTransactions<P>(plans: readonly P[], itemsOf: (plan: P) => TransactItem[]): P[][] {
  const packs: P[][] = [];
  let current: P[] = [];
  let size = 0;
  let touched = new Set<string>();
  for (const plan of plans) {
    const items = itemsOf(plan);
    const itemKeys = items.map(itemKey);
    if (
      current.length > 0 &&
      (size + items.length > MAX_TRANSACTION_ITEMS || itemKeys.some((k) => touched.has(k)))
    ) {
      packs.push(current);
      current = [];
      size = 0;
      touched = new Set();
    }
    current.push(plan);
    size += items.length;
    for (const k of itemKeys) touched.add(k);
  }
  if (current.length > 0) packs.push(current);
  return packs;
}

/** `transact`, with a collision with another transaction reported as TransactionConflictError. */
export async function transactImport(items: TransactItem[]) {
  try {
    return await transact(items);
  } catch (error) {
    const conflict =
      error instanceof TransactionCanceledException &&
      (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');
    if (conflict) throw new TransactionConflictError('another transaction touched the same items');
    throw error;
  }
}

/**
 * New deals in plain batch writes, in three rounds: the lookups, then the events and observer
 * links, then the deals. A write cut short therefore never leaves a deal without its lookup.
 * Throws ThrottledError when DynamoDB kept items unprocessed.
 */
export async function batchWriteNewDeals(
  creations: readonly { items: readonly TransactItem[]; lookup?: Record<string, unknown> }[],
): Promise<void> {
  const puts = creations.flatMap((c) => c.items.flatMap((item) => (item.Put?.Item ? [item.Put.Item] : [])));
  await batchPutItems(creations.flatMap((c) => (c.lookup ? [c.lookup] : [])));
  await batchPutItems(puts.filter((item) => item.entity !== 'Deal'));
  await batchPutItems(puts.filter((item) => item.entity === 'Deal'));
}
