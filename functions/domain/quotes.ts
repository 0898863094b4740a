import type { Deal } from '#schemas/deals';
import type { Quote, QuoteClient, QuoteStatus, Recipient } from '#schemas/quotes';
import { ConflictError, ValidationError } from './errors.ts';
import { computeTotals } from './money.ts';

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

export function addDays(date: string, days: number): string {
  const d = new Date(date);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
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

/** Past its validity date (the end of `validUntil`, UTC): expired even before the expiry job ran. */
export function isPastValidity(quote: Pick<Quote, 'validUntil'>, now: string): boolean {
  return now.slice(0, 10) > quote.validUntil;
}
