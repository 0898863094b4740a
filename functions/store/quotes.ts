import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { linkEvents } from '#domain/chain';
import { ConflictError } from '#domain/errors';
import { AWAITING_CUSTOMER, QuoteStateError, validityEndsAt } from '#domain/quotes';
import { withNextReminder } from '#domain/reminders';
import type { Deal, DealEvent } from '#schemas/deals';
import type { Quote, QuoteStatus } from '#schemas/quotes';
import { db, table } from './client.ts';
import { dealWriteItems, eventItem, VersionConflictError } from './deals.ts';
import { isConditionFailure, put, type TransactItem, toResource, transact } from './items.ts';
import { INDEXES, keys } from './keys.ts';

/** Quotes (under their deal), capability links and quote-number counters. */

/**
 * The quote as stored. Derived on every write, whatever wrote it: its place in the expiry index
 * (while it waits for the customer) and its next reminder (see domain/reminders), so a quote that
 * stops waiting leaves both indexes in the same write.
 */
export function quoteItem(input: Quote) {
  const quote = withNextReminder(input);
  const waiting = AWAITING_CUSTOMER.includes(quote.status);
  const nextReminderAt = quote.reminders?.nextAt;
  return {
    ...quote,
    ...keys.quote(quote.dealId, quote.id),
    ...keys.quoteAlias(quote.id),
    ...(waiting ? keys.quoteExpiry(validityEndsAt(quote), quote.id) : {}),
    ...(waiting && nextReminderAt ? keys.quoteReminder(nextReminderAt, quote.id) : {}),
    entity: 'Quote',
  };
}

/** The next number of a yearly sequence, atomically: concurrent callers never get the same one. */
export async function nextCounter(name: string): Promise<number> {
  const out = await db.send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.counter(name),
      UpdateExpression: 'ADD #n :one SET entity = :entity',
      ExpressionAttributeNames: { '#n': 'value' },
      ExpressionAttributeValues: { ':one': 1, ':entity': 'Counter' },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(out.Attributes?.value);
}

export async function getQuoteAt(dealId: string, quoteId: string): Promise<Quote | undefined> {
  const out = await db.send(
    new GetCommand({ TableName: table(), Key: keys.quote(dealId, quoteId), ConsistentRead: true }),
  );
  return out.Item ? toResource<Quote>(out.Item) : undefined;
}

/** Finds a quote by id alone (the alias index), then reads it consistently from its deal. */
export async function getQuote(quoteId: string): Promise<Quote | undefined> {
  const out = await db.send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'byAlias',
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': INDEXES.byAlias.partition },
      ExpressionAttributeValues: { ':pk': keys.quoteAliasPartition(quoteId) },
      Limit: 1,
    }),
  );
  const alias = out.Items?.[0];
  return alias ? getQuoteAt(String(alias.dealId), quoteId) : undefined;
}

export async function listQuotes(dealId: string): Promise<Quote[]> {
  const items: Quote[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.dealPartition(dealId), ':prefix': keys.quotePrefix() },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(out.Items ?? []).map((i) => toResource<Quote>(i)));
    start = out.LastEvaluatedKey;
  } while (start);
  return items.sort((a, b) => (a.number === b.number ? b.version - a.version : a.number < b.number ? 1 : -1));
}

export interface QuoteWrite {
  /** The quote as read: its status is the condition of the write. Undefined for a new quote. */
  before: Quote | undefined;
  after: Quote;
  events: DealEvent[];
  /** How a refusal names the action when the quote's status changed meanwhile (default "changed"). */
  action?: string;
  /** A new quote written with it (a revision's draft), on the condition that it does not exist. */
  created?: Quote;
  /** The deal, when it moves with the quote (stage hooks). */
  deal?: { before: Deal; after: Deal };
  /** The statuses the quote may be in for the write to apply (default: the status read). */
  from?: readonly QuoteStatus[];
  /**
   * A capability link created with it; `sealedToken` (the token sealed with the link key) is kept
   * beside the quote while it waits for the customer, so the rep can resend the same link.
   */
  link?: { tokenHash: string; createdAt: string; sealedToken?: string };
  /** Documents issued with it (the stored PDF when sent, the sealed copy when signed). */
  documents?: IssuedDocument[];
  /** Other conditional writes that stand or fall with it (the one-time code a signature spends). */
  also?: TransactItem[];
}

/** What `GET /verify/{sha256}` knows of a file Closer issued. */
export interface IssuedDocument {
  sha256: string;
  kind: 'quote' | 'signed_copy';
  quoteId: string;
  dealId: string;
  issuedAt: string;
  /** Subject of the seal's certificate (signed copies). */
  sealSubject?: string;
  /**
   * SHA-256 of the seal's certificate chain (PEM, stored beside the PDFs), recorded at sealing so the
   * evidence bundle needs no certificate parsing. Copies sealed before it was kept lack it until the
   * document migration backfills it.
   */
  sealChainHash?: string;
}

export function documentItem(document: IssuedDocument) {
  return { ...document, ...keys.document(document.sha256), entity: 'Document' };
}

export async function getIssuedDocument(sha256: string): Promise<IssuedDocument | undefined> {
  const out = await db.send(new GetCommand({ TableName: table(), Key: keys.document(sha256) }));
  return out.Item ? toResource<IssuedDocument>(out.Item) : undefined;
}

/**
 * Links the write's quote events onto each quote's hash chain (see domain/chain) and moves the
 * quotes' `chainHead`, so every transition extends the chain through this one door.
 */
function chained(write: QuoteWrite): QuoteWrite {
  const main = linkEvents(write.before?.chainHead, write.after.id, write.events);
  if (!write.created) return { ...write, after: withHead(write.after, main.head), events: main.events };
  const created = linkEvents(write.created.chainHead, write.created.id, main.events);
  return {
    ...write,
    after: withHead(write.after, main.head),
    created: withHead(write.created, created.head),
    events: created.events,
  };
}

function withHead(quote: Quote, head: string | undefined): Quote {
  return head === undefined ? quote : { ...quote, chainHead: head };
}

/** A quote no longer waiting for the customer keeps no way to rebuild its link. */
const keepsLink = (status: QuoteStatus) => status === 'draft' || AWAITING_CUSTOMER.includes(status);

function linkSealItem(quote: Quote, sealedToken: string) {
  return { ...keys.linkSeal(quote.dealId, quote.id), entity: 'LinkSeal', quoteId: quote.id, sealedToken };
}

/** The sealed token of a quote's link, while the quote waits for the customer. */
export async function getLinkSeal(dealId: string, quoteId: string): Promise<string | undefined> {
  const out = await db.send(
    new GetCommand({ TableName: table(), Key: keys.linkSeal(dealId, quoteId), ConsistentRead: true }),
  );
  return typeof out.Item?.sealedToken === 'string' ? out.Item.sealedToken : undefined;
}

function conditionalQuotePut(
  before: Quote | undefined,
  after: Quote,
  from?: readonly QuoteStatus[],
): TransactItem {
  if (!before) return put(quoteItem(after), { expression: 'attribute_not_exists(PK)' });
  const statuses = from ?? [before.status];
  const values: Record<string, unknown> = Object.fromEntries(statuses.map((s, i) => [`:s${i}`, s]));
  const names: Record<string, string> = {
    '#status': 'status',
    '#chain': 'chainHead',
    '#reminders': 'reminders',
  };
  // The chain head read is part of the condition: two events can never claim the same predecessor.
  const chain = before.chainHead === undefined ? 'attribute_not_exists(#chain)' : '#chain = :chain';
  if (before.chainHead !== undefined) values[':chain'] = before.chainHead;
  // Reminders are written beside transitions (the job, the rep's reminder): a write made from an
  // older read of them would undo a reminder, so it loses the race and reads again.
  let reminders = 'attribute_not_exists(#reminders)';
  if (before.reminders) {
    names['#count'] = 'count';
    values[':count'] = before.reminders.count;
    reminders = '#reminders.#count = :count';
  }
  const statusList = statuses.map((_, i) => `:s${i}`).join(', ');
  return put(quoteItem(after), {
    expression: `#status IN (${statusList}) AND ${chain} AND ${reminders}`,
    names,
    values,
  });
}

/**
 * One transaction for a quote transition: the quote (on the condition that its status is still
 * the one read), the new version it makes, the deal it moves, the link and the events. Of two
 * racing transitions exactly one wins; the loser gets QuoteStateError with the status that won,
 * or VersionConflictError when only the deal changed under it (the caller may retry).
 */
export async function saveQuote(unchained: QuoteWrite): Promise<Quote> {
  const write = chained(unchained);
  const items: TransactItem[] = [conditionalQuotePut(write.before, write.after, write.from)];
  if (write.created) items.push(conditionalQuotePut(undefined, write.created));
  const dealStart = items.length;
  if (write.deal) items.push(...dealWriteItems(write.deal.before, write.deal.after, write.events));
  else
    for (const event of write.events)
      items.push(put(eventItem(event), { expression: 'attribute_not_exists(PK)' }));
  if (write.link) {
    items.push(
      put(
        {
          ...keys.link(write.link.tokenHash),
          entity: 'Link',
          quoteId: write.after.id,
          dealId: write.after.dealId,
          createdAt: write.link.createdAt,
        },
        { expression: 'attribute_not_exists(PK)' },
      ),
    );
  }
  for (const document of write.documents ?? []) items.push(put(documentItem(document)));
  if (write.link?.sealedToken) items.push(put(linkSealItem(write.after, write.link.sealedToken)));
  items.push(...(write.also ?? []));
  if (!keepsLink(write.after.status)) {
    items.push({ Delete: { TableName: table(), Key: keys.linkSeal(write.after.dealId, write.after.id) } });
  }
  const result = await transact(items);
  if (result.ok) return write.after;
  if (result.failed.includes(0)) {
    const current = await getQuoteAt(write.after.dealId, write.after.id);
    const allowed = write.from ?? (write.before ? [write.before.status] : []);
    // Same status, other reminders: only a reminder was written meanwhile (the caller reads again).
    if (current && write.before && allowed.includes(current.status))
      throw new VersionConflictError('the quote changed in the meantime');
    throw new QuoteStateError(current?.status ?? write.before?.status ?? 'draft', write.action ?? 'changed');
  }
  if (write.deal && result.failed.includes(dealStart))
    throw new VersionConflictError('the deal changed in the meantime');
  throw new ConflictError('the quote could not be saved: retry');
}

/**
 * Records a signed quote's sealed copy and issues it (its verify lookup), once: the first caller
 * wins; false when the quote already has one (or is not signed).
 */
export async function recordSignedCopy(quote: Quote, document: IssuedDocument): Promise<boolean> {
  const result = await transact([
    {
      Update: {
        TableName: table(),
        Key: keys.quote(quote.dealId, quote.id),
        UpdateExpression: 'SET #copy = :copy',
        ConditionExpression: '#status = :signed AND attribute_not_exists(#copy)',
        ExpressionAttributeNames: { '#copy': 'signedCopyHash', '#status': 'status' },
        ExpressionAttributeValues: { ':copy': document.sha256, ':signed': 'signed' },
      },
    },
    put(documentItem(document)),
  ]);
  return result.ok;
}

/**
 * Records the certificate chain of a signed copy sealed before chains were kept (the migration).
 * Only on an issued signed copy that has none: a second run changes nothing.
 */
export async function recordSealChain(copySha256: string, chainSha256: string): Promise<boolean> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.document(copySha256),
        UpdateExpression: 'SET #chain = :chain',
        ConditionExpression: '#kind = :copy AND attribute_not_exists(#chain)',
        ExpressionAttributeNames: { '#chain': 'sealChainHash', '#kind': 'kind' },
        ExpressionAttributeValues: { ':chain': chainSha256, ':copy': 'signed_copy' },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export async function getLink(tokenHash: string): Promise<{ quoteId: string; dealId: string } | undefined> {
  const out = await db.send(new GetCommand({ TableName: table(), Key: keys.link(tokenHash) }));
  return out.Item ? { quoteId: String(out.Item.quoteId), dealId: String(out.Item.dealId) } : undefined;
}

type SparsePage = { items: { dealId: string; quoteId: string }[]; next?: Record<string, unknown> };

/** A page of quotes in a sparse index partition whose sort value is below `below`. */
async function sparseQuotesBelow(
  index: 'byExpiry' | 'byDue',
  partition: string,
  below: string,
  limit: number,
  after?: Record<string, unknown>,
): Promise<SparsePage> {
  const out = await db.send(
    new QueryCommand({
      TableName: table(),
      IndexName: index,
      KeyConditionExpression: '#pk = :pk AND #sk < :below',
      ExpressionAttributeNames: { '#pk': INDEXES[index].partition, '#sk': INDEXES[index].sort },
      ExpressionAttributeValues: { ':pk': partition, ':below': below },
      Limit: limit,
      ...(after ? { ExclusiveStartKey: after } : {}),
    }),
  );
  return {
    items: (out.Items ?? []).map((i) => ({ dealId: String(i.dealId), quoteId: String(i.id) })),
    ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}),
  };
}

/**
 * Quotes still waiting for the customer whose validity ended before `now` (sorted by that instant;
 * no Scan). `after` resumes after the previous page.
 */
export function quotesPastValidity(now: string, limit: number, after?: Record<string, unknown>) {
  // Sort values are `<instant>#<id>`: one ending exactly at `now` is past.
  return sparseQuotesBelow('byExpiry', keys.expiryPartition(), keys.dueSort(now, '\uffff'), limit, after);
}

/** Quotes whose next automatic reminder is due at `now` or earlier, soonest first (no Scan). */
export function quotesToRemind(now: string, limit: number, after?: Record<string, unknown>) {
  return sparseQuotesBelow('byDue', keys.reminderPartition(), keys.dueSort(now, '\uffff'), limit, after);
}

/**
 * Notes a GET of a link (on the link's own item, not the quote's) and answers when the previous one
 * was: a person coming back is told apart from a scanner's single fetch.
 */
export async function noteLinkOpened(tokenHash: string, at: string): Promise<string | undefined> {
  const out = await db.send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.link(tokenHash),
      UpdateExpression: 'SET #opened = :at',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: { '#opened': 'lastOpenedAt' },
      ExpressionAttributeValues: { ':at': at },
      ReturnValues: 'UPDATED_OLD',
    }),
  );
  const previous = out.Attributes?.lastOpenedAt;
  return typeof previous === 'string' ? previous : undefined;
}
