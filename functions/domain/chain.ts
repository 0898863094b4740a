import { createHash } from 'node:crypto';
import type { DealEvent } from '#schemas/deals';

/**
 * A quote's events form a hash chain: each `quote.*` event of a quote carries, in `data.prevHash`,
 * the SHA-256 of the quote's previous event (`null` on the first, `quote.created`), and the quote
 * keeps the hash of its latest one (`chainHead`). Changing, removing or reordering any stored event
 * breaks a link or the head, and `verifyChain` says where.
 *
 * An event's hash covers its id, deal, time, actor, type and data, as canonical JSON (keys sorted),
 * except `data.sealedToken`: the outbox's sealed link token, which `notify` deletes once the email
 * is out and which is a delivery secret, not history.
 */

export const PREV_HASH = 'prevHash';
const TRANSIENT_DATA = new Set(['sealedToken']);

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function eventHash(event: DealEvent): string {
  const data = Object.fromEntries(Object.entries(event.data).filter(([k]) => !TRANSIENT_DATA.has(k)));
  const body = {
    id: event.id,
    dealId: event.dealId,
    at: event.at,
    actor: event.actor,
    type: event.type,
    data,
  };
  return createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex');
}

/** Whether an event belongs to the quote's chain: the quote's own `quote.*` events. */
export function isChained(event: Pick<DealEvent, 'type' | 'data'>, quoteId: string): boolean {
  return event.type.startsWith('quote.') && event.data.quoteId === quoteId;
}

/**
 * Links the quote's new events onto its chain, in order, starting from `head` (the quote's
 * `chainHead`; undefined for a new quote). Other events pass through unchanged. Pure: returns new
 * events and the new head (the old one when no event belongs to the chain).
 */
export function linkEvents(
  head: string | undefined,
  quoteId: string,
  events: readonly DealEvent[],
): { events: DealEvent[]; head: string | undefined } {
  let current = head;
  const linked = events.map((event) => {
    if (!isChained(event, quoteId)) return event;
    const next = { ...event, data: { ...event.data, [PREV_HASH]: current ?? null } };
    current = eventHash(next);
    return next;
  });
  return { events: linked, head: current };
}

export interface ChainReport {
  /** True when every chained event links to the one before it and the last one is the head. */
  valid: boolean;
  /** Events on the chain, in chain order. */
  length: number;
  /** The recomputed head (hash of the last linked event). */
  head?: string;
  /** Events of the quote written before chaining existed (not part of the chain). */
  unchained: number;
  /** What is wrong, in words, and the event where it was found. */
  problem?: { eventId?: string; reason: string };
}

/**
 * Recomputes a quote's chain from its stored events (any order; other events are ignored) and
 * checks it against the head the quote records. The chain is followed by its links, not by time,
 * so an altered event breaks the link to its successor, a removed one leaves a gap, an extra one
 * forks it, and a removed last event no longer matches the head.
 */
export function verifyChain(
  events: readonly DealEvent[],
  quoteId: string,
  expectedHead: string | undefined,
): ChainReport {
  const mine = events.filter((e) => isChained(e, quoteId));
  const chained = mine.filter((e) => PREV_HASH in e.data);
  const unchained = mine.length - chained.length;
  if (chained.length === 0) {
    return expectedHead === undefined
      ? { valid: true, length: 0, unchained }
      : { valid: false, length: 0, unchained, problem: { reason: 'the chain head has no events' } };
  }
  const byPrev = new Map<string | null, DealEvent[]>();
  for (const event of chained) {
    const prev = (event.data[PREV_HASH] ?? null) as string | null;
    byPrev.set(prev, [...(byPrev.get(prev) ?? []), event]);
  }
  const walked: DealEvent[] = [];
  let prev: string | null = null;
  for (;;) {
    const next = byPrev.get(prev) ?? [];
    if (next.length > 1) {
      return {
        valid: false,
        length: walked.length,
        unchained,
        problem: { eventId: next[1]?.id, reason: 'two events claim the same predecessor' },
      };
    }
    const event = next[0];
    if (!event) break;
    walked.push(event);
    prev = eventHash(event);
  }
  const length = walked.length;
  const head = prev ?? undefined;
  if (length !== chained.length) {
    const last = walked.at(-1);
    return {
      valid: false,
      length,
      ...(head ? { head } : {}),
      unchained,
      problem: {
        ...(last ? { eventId: last.id } : {}),
        reason: last
          ? 'the history breaks after this event: it or a later event was changed or removed'
          : 'the first event of the chain was changed or removed',
      },
    };
  }
  if (expectedHead !== undefined && head !== expectedHead) {
    return {
      valid: false,
      length,
      ...(head ? { head } : {}),
      unchained,
      problem: { reason: "the last event is not the quote's recorded chain head" },
    };
  }
  return { valid: true, length, ...(head ? { head } : {}), unchained };
}
