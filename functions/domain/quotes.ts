import type { Deal, StageMove } from '#schemas/deals';
import type { Pipeline } from '#schemas/pipelines';
import type { Quote, QuoteClient, QuoteStatus, Recipient } from '#schemas/quotes';
import { ConflictError, GoneError, ValidationError } from './errors.ts';
import { computeTotals } from './money.ts';
import { findStage } from './pipelines.ts';
import { addDays, zonedTime } from './zoned.ts';

export { addDays };

/**
 * The quote status machine of the brief:
 *   draft → sent → viewed → signed | changes_requested | declined | expired
 *   changes_requested → superseded (the rep revises; a new version starts as draft)
 *   sent | viewed → superseded (the rep replaces it) | withdrawn
 */
const TRANSITIONS: Record<QuoteStatus, readonly QuoteStatus[]> = {
  draft: ['sent'],
  sent: ['viewed', 'signed', 'changes_requested', 'declined', 'expired', 'superseded', 'withdrawn'],
  viewed: ['signed', 'changes_requested', 'declined', 'expired', 'superseded', 'withdrawn'],
  changes_requested: ['superseded'],
  signed: [],
  declined: [],
  expired: [],
  superseded: [],
  withdrawn: [],
};

export const FINAL_STATUSES: readonly QuoteStatus[] = [
  'signed',
  'declined',
  'expired',
  'superseded',
  'withdrawn',
];

/** Why a customer declines: the choices the quote page offers. */
export const DECLINE_REASONS = ['price', 'timing', 'competitor', 'no_longer_needed', 'other'] as const;

/** Statuses in which the customer can still act, and in which a quote can expire. */
export const AWAITING_CUSTOMER: readonly QuoteStatus[] = ['sent', 'viewed'];

/** The quote is not in a state that allows the action (409). Carries the status it is in. */
export class QuoteStateError extends ConflictError {
  override readonly code = 'quote_state';
  constructor(
    readonly status: QuoteStatus,
    action: string,
  ) {
    super(`the quote is ${status.replace('_', ' ')}: it cannot be ${action}`, { status });
  }
}

export function canMove(from: QuoteStatus, to: QuoteStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertMove(from: QuoteStatus, to: QuoteStatus, action: string): void {
  if (!canMove(from, to)) throw new QuoteStateError(from, action);
}

/** Q-2026-0001: year of creation, then the counter, at least four digits. */
export function formatQuoteNumber(year: number, n: number): string {
  return `Q-${year}-${String(n).padStart(4, '0')}`;
}

export interface QuoteDraftInput {
  templateId: string;
  locale: 'en' | 'fr';
  validUntil?: string;
  intro?: string;
  terms?: string;
  recipient: Recipient;
  client: QuoteClient;
}

export interface QuoteIdentity {
  id: string;
  number: string;
  version: number;
  now: string;
}

/** The frozen snapshot: lines, discount, totals and currency are copied, never referenced. */
export function draftQuote(deal: Deal, input: QuoteDraftInput, identity: QuoteIdentity): Quote {
  if (deal.lines.length === 0) {
    throw new ValidationError('the deal has no lines to quote', [
      { path: 'deal.lines', message: 'add product lines first' },
    ]);
  }
  const today = identity.now.slice(0, 10);
  const validUntil = input.validUntil ?? addDays(identity.now, 30);
  if (validUntil < today) {
    throw new ValidationError('validUntil is in the past', [
      { path: 'body.validUntil', message: `must be ${today} or later` },
    ]);
  }
  return {
    id: identity.id,
    dealId: deal.id,
    number: identity.number,
    version: identity.version,
    templateId: input.templateId,
    locale: input.locale,
    currency: deal.currency,
    status: 'draft',
    validUntil,
    ...(input.intro ? { intro: input.intro } : {}),
    ...(input.terms ? { terms: input.terms } : {}),
    recipient: input.recipient,
    client: input.client,
    lines: deal.lines.map((l) => ({ ...l })),
    discountPercent: deal.discountPercent,
    totals: computeTotals(deal.lines, deal.discountPercent),
    createdAt: identity.now,
    updatedAt: identity.now,
    changeRequests: [],
  };
}

/** What the validity rule reads of a quote: its last day and the seller's time zone. */
export type Validity = Pick<Quote, 'validUntil'> & { seller?: { timeZone?: string | undefined } | undefined };

/** The seller's time zone (frozen on the quote when sent); UTC when the template names none. */
export function sellerTimeZone(quote: { seller?: { timeZone?: string | undefined } | undefined }): string {
  return quote.seller?.timeZone ?? 'UTC';
}

/**
 * The instant a quote stops being valid: it is valid through the whole of its `validUntil` day in
 * the seller's time zone, so this is midnight at the start of the next day there. The page, the
 * expiry job (its index is sorted by this instant) and the reminders all read it from here.
 */
export function validityEndsAt(quote: Validity): string {
  return zonedTime(addDays(quote.validUntil, 1), sellerTimeZone(quote));
}

/** Past its validity (the end of `validUntil` in the seller's time zone): expired even before the expiry job ran. */
export function isPastValidity(quote: Validity, now: string): boolean {
  return now >= validityEndsAt(quote);
}

/** The status as the customer meets it: a quote waiting for them past its validity date is expired at once. */
export function effectiveStatus(quote: Pick<Quote, 'status'> & Validity, now: string): QuoteStatus {
  return AWAITING_CUSTOMER.includes(quote.status) && isPastValidity(quote, now) ? 'expired' : quote.status;
}

/** Every way a quote changes status, by whom. A new transition is one row here and one call site. */
export type QuoteAction =
  | 'send'
  | 'view'
  | 'sign'
  | 'requestChanges'
  | 'decline'
  | 'expire'
  | 'withdraw'
  | 'revise';

/** The pipeline settings naming the stage a deal moves to after a quote event. */
export type StageHook = 'onQuoteSent' | 'onQuoteSigned' | 'onQuoteDeclined' | 'onQuoteExpired';

export interface QuoteTransition {
  /** The status the quote moves to (checked against the status machine above). */
  to: QuoteStatus;
  /** The event that records it (a revision records its new version's `quote.created`). */
  event: string;
  /** How a refusal names the action: "the quote is signed: it cannot be withdrawn". */
  verb: string;
  by: 'rep' | 'customer' | 'system';
  /**
   * A customer's answer: checked against the status the customer sees (past its validity date: 410),
   * written while the quote still waits for the customer (an answer races the first view), and on
   * a lost race read again, so that the same answer retried replays instead of failing.
   */
  answer?: true;
  /** The write applies while the quote is in one of these; default: the status read. */
  whileIn?: readonly QuoteStatus[];
  /** The pipeline's stage the deal moves to (see dealMoveAfter). */
  stageHook?: StageHook;
}

export const QUOTE_TRANSITIONS = {
  send: { to: 'sent', event: 'quote.sent', verb: 'sent', by: 'rep', stageHook: 'onQuoteSent' },
  view: { to: 'viewed', event: 'quote.viewed', verb: 'viewed', by: 'customer' },
  sign: {
    to: 'signed',
    event: 'quote.signed',
    verb: 'changed',
    by: 'customer',
    answer: true,
    whileIn: AWAITING_CUSTOMER,
    stageHook: 'onQuoteSigned',
  },
  requestChanges: {
    to: 'changes_requested',
    event: 'quote.changes_requested',
    verb: 'changed',
    by: 'customer',
    answer: true,
    whileIn: AWAITING_CUSTOMER,
  },
  decline: {
    to: 'declined',
    event: 'quote.declined',
    verb: 'changed',
    by: 'customer',
    answer: true,
    whileIn: AWAITING_CUSTOMER,
    stageHook: 'onQuoteDeclined',
  },
  expire: {
    to: 'expired',
    event: 'quote.expired',
    verb: 'expired',
    by: 'system',
    whileIn: AWAITING_CUSTOMER,
    stageHook: 'onQuoteExpired',
  },
  withdraw: { to: 'withdrawn', event: 'quote.withdrawn', verb: 'withdrawn', by: 'rep' },
  revise: { to: 'superseded', event: 'quote.created', verb: 'revised', by: 'rep' },
} as const satisfies Record<QuoteAction, QuoteTransition>;

/**
 * Whether `action` may happen to the quote now; throws the refusal otherwise: 410 for a customer's
 * answer past the validity date, 409 (with the status the quote is in) for any move the status
 * machine does not allow.
 */
export function assertTransition(quote: Pick<Quote, 'status'> & Validity, action: QuoteAction, now: string) {
  const rule: QuoteTransition = QUOTE_TRANSITIONS[action];
  const status = rule.answer ? effectiveStatus(quote, now) : quote.status;
  if (rule.answer && status === 'expired') throw new GoneError('this quote has expired', { status });
  assertMove(status, rule.to, rule.verb);
}

/** What a quote event does to its deal. */
export type DealOutcome =
  | { kind: 'none' }
  | { kind: 'move'; move: StageMove }
  /** The pipeline would move it, but the deal is closed: it stays as the rep left it. */
  | { kind: 'stays'; status: 'won' | 'lost' };

/**
 * The deal's stage move after a quote event: to the stage the pipeline's hook names, and only while
 * the deal is open. A closed deal (won or lost, by hand or by an earlier quote) stays as the rep
 * left it: a customer's late answer or an expiry never reopens or flips it. A move to a lost stage
 * carries the loss reason.
 */
export function dealMoveAfter(
  deal: Pick<Deal, 'status'>,
  pipeline: Pick<Pipeline, 'stages' | StageHook>,
  hook: StageHook | undefined,
  lossReason?: string,
): DealOutcome {
  const stageId = hook ? pipeline[hook] : undefined;
  const target = stageId ? findStage(pipeline, stageId) : undefined;
  if (!target) return { kind: 'none' };
  if (deal.status !== 'open') return { kind: 'stays', status: deal.status };
  return {
    kind: 'move',
    move: { stageId: target.id, ...(target.kind === 'lost' && lossReason ? { lossReason } : {}) },
  };
}

/**
 * Signed, and its sealed signed copy not recorded yet: the outbox builds it a few seconds after the
 * signature (services/notify.ts). Meanwhile the page offers no download and the PDF link answers 503.
 */
export function isSignedCopyPending(quote: Pick<Quote, 'status' | 'signedCopyHash'>): boolean {
  return quote.status === 'signed' && !quote.signedCopyHash;
}
