import type { User } from '#contracts/actor';
import type { ActivityItem, ActivityPage } from '#schemas/activity';
import type { DealEvent } from '#schemas/deals';
import {
  advanceFeedReadUntil,
  countFeedAfter,
  type FeedEntry,
  getFeedReadUntil,
  putFeedEntries,
  queryFeed,
} from '#store/activity';
import { getDeal } from '#store/deals';
import { keys } from '#store/keys';
import { getQuoteAt } from '#store/quotes';

/**
 * The reps' activity feed. `notify` (the table stream's consumer) copies each feed event into the
 * partition of every reader it concerns when it happens: the deal's owner and observers as they
 * are then (the deal access rule), and the managers' partition. Reading is one Query on the
 * reader's own partition, so a rep can only ever read their own copies.
 */

/** The unread count stops here: the console shows "99+". */
export const UNREAD_CAP = 100;

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

function detailsOf(data: Record<string, unknown>): FeedEntry['details'] {
  const details: FeedEntry['details'] = {};
  for (const field of ['signer', 'reason', 'to', 'kind', 'dealStatus'] as const) {
    const value = text(data[field]);
    if (value) details[field] = value;
  }
  const message = text(data.message);
  if (message) details.message = message.slice(0, 1000);
  if (typeof data.dealMoved === 'boolean') details.dealMoved = data.dealMoved;
  return details;
}

/** Whether an event belongs in the feed: a view only the first time. */
export function isFeedWorthy(event: Pick<DealEvent, 'type' | 'data'>): boolean {
  return event.type !== 'quote.viewed' || event.data?.first === true;
}

/** Writes the feed copies of one event (idempotent). An event of a deal that is gone is skipped. */
export async function recordActivity(event: DealEvent): Promise<void> {
  if (!isFeedWorthy(event)) return;
  const deal = await getDeal(event.dealId);
  if (!deal) return;
  const quoteId = text(event.data?.quoteId);
  const quote = quoteId ? await getQuoteAt(event.dealId, quoteId) : undefined;
  const entry: FeedEntry = {
    id: event.id,
    at: event.at,
    type: event.type as FeedEntry['type'],
    dealId: deal.id,
    dealName: deal.name,
    ...(quoteId ? { quoteId } : {}),
    ...(quote ? { quoteNumber: quote.number, quoteVersion: quote.version } : {}),
    actor: event.actor,
    details: detailsOf(event.data ?? {}),
  };
  const readers = [deal.ownerId, ...(deal.observerIds ?? [])].map((userId) => keys.feedPartition({ userId }));
  await putFeedEntries([...readers, keys.feedPartition('managers')], entry);
}

function partitionOf(user: User): string {
  return user.manager ? keys.feedPartition('managers') : keys.feedPartition({ userId: user.id });
}

/** A user's feed, newest first, each item marked unread when newer than their read mark. */
export async function listActivity(
  user: User,
  query: { cursor?: string | undefined; limit?: number | undefined },
): Promise<ActivityPage> {
  const partition = partitionOf(user);
  const readUntil = await getFeedReadUntil(user.id);
  const [page, unread] = await Promise.all([
    queryFeed(partition, query.cursor, query.limit ?? 20),
    countFeedAfter(partition, readUntil, UNREAD_CAP),
  ]);
  const items: ActivityItem[] = page.items.map((entry) => ({
    ...entry,
    unread: readUntil === undefined || entry.at > readUntil,
  }));
  return {
    items,
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    unread,
    ...(readUntil ? { readUntil } : {}),
  };
}

/** Marks everything up to `at` read (the mark only moves forward); answers what is left unread. */
export async function markActivityRead(
  user: User,
  at: string,
): Promise<{ readUntil: string; unread: number }> {
  const readUntil = await advanceFeedReadUntil(user.id, new Date(at).toISOString());
  return { readUntil, unread: await countFeedAfter(partitionOf(user), readUntil, UNREAD_CAP) };
}
