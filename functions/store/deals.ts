import {
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '#domain/errors';
import type { Deal, DealEvent } from '#schemas/deals';
import { batchGetItems } from './batch.ts';
import { db, table } from './client.ts';
import { decodeCursor, encodeCursor, newestFirst } from './cursor.ts';
import { keyRange, put, type TransactItem, toResource, transact } from './items.ts';
import { INDEXES, type IndexName, keys } from './keys.ts';
import type { Page } from './records.ts';

/** Deals, their observer links and their events (the timeline and outbox). */

export class VersionConflictError extends ConflictError {
  override readonly code = 'version_conflict';
}

function dealItem(deal: Deal) {
  return { ...deal, ...keys.deal(deal.id), ...keys.dealIndexes(deal), entity: 'Deal' };
}

function observerItem(deal: Deal, userId: string) {
  return {
    ...keys.dealObserver(deal.id, userId),
    ...keys.dealObserverIndex(deal.id, userId, deal.closeDate),
    entity: 'DealObserver',
    dealId: deal.id,
    userId,
  };
}

export function eventItem(event: DealEvent) {
  return { ...event, ...keys.event(event.dealId, event.id), entity: 'Event' };
}

export async function getDeal(id: string): Promise<Deal | undefined> {
  const out = await db.send(new GetCommand({ TableName: table(), Key: keys.deal(id), ConsistentRead: true }));
  return out.Item ? toResource<Deal>(out.Item) : undefined;
}

/** Bumps won-deal counters on the contact and company (the `repeat` flag reads them). */
function wonCounterUpdates(before: Deal | undefined, after: Deal): TransactItem[] {
  const wonRefs = (d: Deal | undefined) =>
    d?.status === 'won'
      ? [
          ...(d.contactId ? [keys.record('Contact', d.contactId)] : []),
          ...(d.companyId ? [keys.record('Company', d.companyId)] : []),
        ]
      : [];
  const delta = new Map<string, { key: { PK: string; SK: string }; n: number }>();
  for (const key of wonRefs(before)) delta.set(key.PK, { key, n: (delta.get(key.PK)?.n ?? 0) - 1 });
  for (const key of wonRefs(after)) delta.set(key.PK, { key, n: (delta.get(key.PK)?.n ?? 0) + 1 });
  return [...delta.values()]
    .filter((d) => d.n !== 0)
    .map((d) => ({
      Update: {
        TableName: table(),
        Key: d.key,
        UpdateExpression: 'ADD #won :n',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#won': '_wonDeals' },
        ExpressionAttributeValues: { ':n': d.n },
      },
    }));
}

/**
 * The transaction items that write a deal (new or changed), its observer links, its won counters
 * and its events. The deal comes first: an existing deal is written on the condition that its
 * version is still `before.version`. Quote transactions add these to their own items.
 */
export function dealWriteItems(before: Deal | undefined, after: Deal, events: DealEvent[]): TransactItem[] {
  const items: TransactItem[] = [
    put(
      dealItem(after),
      before
        ? { expression: '#v = :v', names: { '#v': 'version' }, values: { ':v': before.version } }
        : { expression: 'attribute_not_exists(PK)' },
    ),
  ];
  const closeChanged = before !== undefined && before.closeDate !== after.closeDate;
  const previous = new Set(before?.observerIds ?? []);
  for (const userId of after.observerIds) {
    if (!previous.has(userId) || closeChanged) items.push(put(observerItem(after, userId)));
  }
  for (const userId of previous) {
    if (!after.observerIds.includes(userId)) {
      items.push({ Delete: { TableName: table(), Key: keys.dealObserver(after.id, userId) } });
    }
  }
  items.push(...wonCounterUpdates(before, after));
  for (const event of events) items.push(put(eventItem(event), { expression: 'attribute_not_exists(PK)' }));
  return items;
}

/**
 * Writes a deal with its events in one transaction: of two concurrent writers exactly one wins,
 * the other gets VersionConflictError and writes nothing.
 */
export async function saveDeal(before: Deal | undefined, after: Deal, events: DealEvent[]): Promise<void> {
  const result = await transact(dealWriteItems(before, after, events));
  if (result.ok) return;
  if (result.failed.includes(0)) {
    if (!before) throw new Error(`duplicate deal id ${after.id}`);
    throw new VersionConflictError('the deal changed in the meantime');
  }
  throw new ConflictError('a contact or company of this deal no longer exists');
}

/** An event on a deal the caller has just read (one write, no transaction). */
export async function putEvent(event: DealEvent): Promise<void> {
  await db.send(
    new PutCommand({
      TableName: table(),
      Item: eventItem(event),
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
}

export async function addEvent(event: DealEvent): Promise<void> {
  const result = await transact([
    put(eventItem(event), { expression: 'attribute_not_exists(PK)' }),
    {
      ConditionCheck: {
        TableName: table(),
        Key: keys.deal(event.dealId),
        ConditionExpression: 'attribute_exists(PK)',
      },
    },
  ]);
  if (!result.ok) throw new NotFoundError(`no deal ${event.dealId}`);
}

export function listEvents(
  dealId: string,
  cursor: string | undefined,
  limit: number,
  options: { consistent?: boolean } = {},
): Promise<Page<DealEvent>> {
  return newestFirst(
    keys.dealPartition(dealId),
    keys.eventPrefix(),
    cursor,
    limit,
    (i) => toResource<DealEvent>(i),
    options,
  );
}

/** Where a deal list reads from: an index partition, and whether its items are deals or links. */
export interface DealSource {
  index: IndexName;
  partition: string;
  links?: boolean;
}

export interface DealRange {
  from?: string;
  to?: string;
}

interface Collected {
  rows: { sort: string; deal: Deal }[];
  /** The last sort key examined when the source has more, undefined when it is exhausted. */
  more?: string;
}

const MAX_READS_PER_PAGE = 10;

async function collect(
  source: DealSource,
  range: DealRange,
  after: string | undefined,
  limit: number,
  keep: (deal: Deal) => boolean,
): Promise<Collected> {
  const index = INDEXES[source.index];
  const rows: Collected['rows'] = [];
  let start = after;
  for (let reads = 0; reads < MAX_READS_PER_PAGE; reads++) {
    const lo = start !== undefined ? `${start}\u0001` : range.from;
    const hi = range.to !== undefined ? `${range.to}#\uffff` : undefined;
    const keyCondition = keyRange(index, source.partition, lo, hi);
    if (!keyCondition) return { rows };
    const input: QueryCommandInput = {
      TableName: table(),
      IndexName: source.index,
      ...keyCondition,
      Limit: Math.max(limit * 2, 25),
    };
    const out = await db.send(new QueryCommand(input));
    const items = out.Items ?? [];
    let deals: (Deal | undefined)[];
    if (source.links) {
      // One batch for the page's links, not one read each.
      const byId = new Map(
        (await batchGetItems(items.map((link) => keys.deal(String(link.dealId))))).map((i) => [
          String(i.id),
          toResource<Deal>(i),
        ]),
      );
      deals = items.map((link) => byId.get(String(link.dealId)));
    } else {
      deals = items.map((i) => toResource<Deal>(i));
    }
    for (const [i, item] of items.entries()) {
      const deal = deals[i];
      const sort = String(item[index.sort]);
      if (deal && keep(deal)) rows.push({ sort, deal });
      if (rows.length >= limit) {
        const hasMore = i < items.length - 1 || out.LastEvaluatedKey !== undefined;
        return hasMore ? { rows, more: sort } : { rows };
      }
    }
    const last = items.at(-1);
    if (!out.LastEvaluatedKey || !last) return { rows };
    start = String(last[index.sort]);
  }
  return { rows, more: start };
}

/**
 * One page of deals from one or more sources (index partitions sorted by close date), merged in
 * sort order. A page holds at most `limit` deals and may hold fewer while `nextCursor` is set:
 * each page reads a bounded number of index pages, however selective the filters.
 */
export async function queryDeals(
  sources: DealSource[],
  range: DealRange,
  cursor: string | undefined,
  limit: number,
  keep: (deal: Deal) => boolean,
): Promise<Page<Deal>> {
  const after = decodeCursor(cursor);
  const results = await Promise.all(sources.map((s) => collect(s, range, after, limit, keep)));
  const bounds = results.flatMap((r) => (r.more !== undefined ? [r.more] : []));
  const bound = bounds.sort()[0];
  const seen = new Set<string>();
  const merged = results
    .flatMap((r) => r.rows)
    .filter((r) => bound === undefined || r.sort <= bound)
    .sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0))
    .filter((r) => {
      if (seen.has(r.deal.id)) return false;
      seen.add(r.deal.id);
      return true;
    });
  const page = merged.slice(0, limit);
  const last = page.at(-1)?.sort;
  if (merged.length > limit && last)
    return { items: page.map((r) => r.deal), nextCursor: encodeCursor(last) };
  if (bound !== undefined) return { items: page.map((r) => r.deal), nextCursor: encodeCursor(bound) };
  return { items: page.map((r) => r.deal) };
}

/** Outbox bookkeeping on an event item: which emails went out, how many tries, done. */
export async function markOutbox(
  dealId: string,
  eventId: string,
  change: { sent?: string; attempt?: true; done?: true },
): Promise<{ attempts: number; sent: string[] }> {
  const sets: string[] = [];
  const adds: string[] = [];
  const removes: string[] = [];
  const values: Record<string, unknown> = {};
  if (change.sent) {
    adds.push('#sent :sent');
    values[':sent'] = new Set([change.sent]);
  }
  if (change.attempt) {
    adds.push('#attempts :one');
    values[':one'] = 1;
  }
  if (change.done) {
    sets.push('#done = :now');
    values[':now'] = new Date().toISOString();
    // The sealed token has done its job: the table keeps no way to open the quote.
    removes.push('#data.#sealed');
  }
  const out = await db.send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.event(dealId, eventId),
      UpdateExpression: [
        sets.length ? `SET ${sets.join(', ')}` : '',
        adds.length ? `ADD ${adds.join(', ')}` : '',
        removes.length ? `REMOVE ${removes.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join(' '),
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: {
        ...(change.sent ? { '#sent': '_sentEmails' } : {}),
        ...(change.attempt ? { '#attempts': '_attempts' } : {}),
        ...(change.done ? { '#done': '_notifiedAt', '#data': 'data', '#sealed': 'sealedToken' } : {}),
      },
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    }),
  );
  const item = out.Attributes ?? {};
  return {
    attempts: Number(item._attempts ?? 0),
    sent: [...((item._sentEmails as Set<string> | undefined) ?? [])],
  };
}

export async function getEventItem(
  dealId: string,
  eventId: string,
): Promise<Record<string, unknown> | undefined> {
  const out = await db.send(
    new GetCommand({ TableName: table(), Key: keys.event(dealId, eventId), ConsistentRead: true }),
  );
  return out.Item;
}
