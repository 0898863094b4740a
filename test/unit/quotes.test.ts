import { describe, expect, it } from 'vitest';
import { createDeal } from '#domain/deals';
import { GoneError, ValidationError } from '#domain/errors';
import {
  AWAITING_CUSTOMER,
  addDays,
  assertMove,
  assertTransition,
  canMove,
  dealMoveAfter,
  draftQuote,
  effectiveStatus,
  FINAL_STATUSES,
  formatQuoteNumber,
  isPastValidity,
  QUOTE_TRANSITIONS,
  type QuoteAction,
  QuoteStateError,
} from '#domain/quotes';
import { type QuoteStatus, QuoteStatus as QuoteStatusSchema } from '#schemas/quotes';
import { dealContext, now, pipeline } from '#test/domain';

const lines = [{ name: 'Licence', quantity: 2, unitPrice: 10_000, taxRate: 20 }];
const deal = createDeal({ name: 'Acme', lines }, dealContext);
const draftInput = {
  templateId: 'classic',
  locale: 'en' as const,
  recipient: { name: 'Jeanne', email: 'j@acme.example' },
  client: { name: 'Jeanne', email: 'j@acme.example' },
};
const ALL: QuoteStatus[] = QuoteStatusSchema.options;

describe('the quote status machine', () => {
  it('allows exactly the moves of the brief', () => {
    const allowed = ALL.flatMap((from) => ALL.filter((to) => canMove(from, to)).map((to) => `${from}→${to}`));
    expect(allowed.sort()).toEqual(
      [
        'draft→sent',
        ...['sent', 'viewed'].flatMap((from) =>
          ['signed', 'changes_requested', 'declined', 'expired', 'superseded', 'withdrawn'].map(
            (to) => `${from}→${to}`,
          ),
        ),
        'sent→viewed',
        'changes_requested→superseded',
      ].sort(),
    );
  });

  it('lets nothing leave a final status', () => {
    for (const from of FINAL_STATUSES)
      expect(
        ALL.filter((to) => canMove(from, to)),
        from,
      ).toEqual([]);
  });

  it('refuses a move with the status the quote is in', () => {
    const refuse = () => assertMove('signed', 'withdrawn', 'withdrawn');
    expect(refuse).toThrow(QuoteStateError);
    expect(refuse).toThrow('the quote is signed: it cannot be withdrawn');
    try {
      refuse();
    } catch (error) {
      expect((error as QuoteStateError).status).toBe('signed');
    }
  });
});

describe('QUOTE_TRANSITIONS', () => {
  it('names for every action a status the machine can reach, and an event', () => {
    for (const [action, rule] of Object.entries(QUOTE_TRANSITIONS)) {
      expect(
        ALL.some((from) => canMove(from, rule.to)),
        action,
      ).toBe(true);
      expect(rule.event, action).toMatch(/^quote\./);
    }
  });

  it('writes customer answers and expiry while the quote still waits for the customer', () => {
    const waiting = (Object.keys(QUOTE_TRANSITIONS) as QuoteAction[]).filter(
      (a) => (QUOTE_TRANSITIONS[a] as { whileIn?: unknown }).whileIn === AWAITING_CUSTOMER,
    );
    expect(waiting.sort()).toEqual(['decline', 'expire', 'requestChanges', 'sign']);
  });
});

describe('assertTransition', () => {
  const sent = { status: 'sent' as const, validUntil: '2026-12-31' };

  it('allows an answer on a quote waiting for the customer', () => {
    expect(() => assertTransition(sent, 'sign', now)).not.toThrow();
    expect(() => assertTransition({ ...sent, status: 'viewed' }, 'decline', now)).not.toThrow();
  });

  it('answers 410 to a customer answer past the validity date, even before the expiry job ran', () => {
    expect(() => assertTransition({ ...sent, validUntil: '2026-11-22' }, 'sign', now)).toThrow(GoneError);
  });

  it('lets the expiry job expire a quote past its validity date', () => {
    expect(() => assertTransition({ ...sent, validUntil: '2026-11-22' }, 'expire', now)).not.toThrow();
  });

  it('refuses an answer on an answered quote with 409 naming its status', () => {
    expect(() => assertTransition({ ...sent, status: 'declined' }, 'sign', now)).toThrow(
      'the quote is declined: it cannot be changed',
    );
  });

  it('refuses to send a sent quote or to withdraw a draft', () => {
    expect(() => assertTransition(sent, 'send', now)).toThrow(QuoteStateError);
    expect(() => assertTransition({ ...sent, status: 'draft' }, 'withdraw', now)).toThrow(QuoteStateError);
  });
});

describe('validity', () => {
  it('counts the whole last day as valid (UTC)', () => {
    expect(isPastValidity({ validUntil: '2026-11-23' }, '2026-11-23T23:59:59.999Z')).toBe(false);
    expect(isPastValidity({ validUntil: '2026-11-23' }, '2026-11-24T00:00:00.000Z')).toBe(true);
  });

  it('shows a waiting quote past its date as expired, and leaves other statuses alone', () => {
    const late = { validUntil: '2026-11-01' };
    expect(effectiveStatus({ ...late, status: 'sent' }, now)).toBe('expired');
    expect(effectiveStatus({ ...late, status: 'viewed' }, now)).toBe('expired');
    expect(effectiveStatus({ ...late, status: 'signed' }, now)).toBe('signed');
    expect(effectiveStatus({ validUntil: '2026-12-01', status: 'sent' }, now)).toBe('sent');
  });
});

describe('dealMoveAfter', () => {
  it('moves an open deal to the stage the hook names, with the loss reason on a lost stage', () => {
    expect(dealMoveAfter({ status: 'open' }, pipeline, 'onQuoteSigned')).toEqual({
      kind: 'move',
      move: { stageId: 'closed-won' },
    });
    expect(dealMoveAfter({ status: 'open' }, pipeline, 'onQuoteDeclined', 'price')).toEqual({
      kind: 'move',
      move: { stageId: 'closed-lost', lossReason: 'price' },
    });
  });

  it('keeps the loss reason off a move to a stage that is not lost', () => {
    expect(dealMoveAfter({ status: 'open' }, pipeline, 'onQuoteSent', 'price')).toEqual({
      kind: 'move',
      move: { stageId: 'contract-sent' },
    });
  });

  it('leaves a closed deal as the rep left it, saying so', () => {
    for (const status of ['won', 'lost'] as const) {
      expect(dealMoveAfter({ status }, pipeline, 'onQuoteDeclined', 'price')).toEqual({
        kind: 'stays',
        status,
      });
      expect(dealMoveAfter({ status }, pipeline, 'onQuoteSigned')).toEqual({ kind: 'stays', status });
    }
  });

  it('does nothing without a hook, or when the pipeline leaves it unset', () => {
    expect(dealMoveAfter({ status: 'open' }, pipeline, undefined)).toEqual({ kind: 'none' });
    expect(dealMoveAfter({ status: 'won' }, pipeline, 'onQuoteExpired')).toEqual({ kind: 'none' });
  });
});

describe('draftQuote', () => {
  it('freezes a copy of the lines and totals, valid 30 days by default', () => {
    const quote = draftQuote(deal, draftInput, { id: 'q1', number: 'Q-2026-0001', version: 1, now });
    expect(quote).toMatchObject({ status: 'draft', validUntil: '2026-12-23', currency: 'EUR', version: 1 });
    expect(quote.totals.subtotal).toBe(20_000);
    expect(quote.lines).toEqual(deal.lines);
    expect(quote.lines[0]).not.toBe(deal.lines[0]);
  });

  it('refuses a deal without lines and a validity date in the past', () => {
    const identity = { id: 'q1', number: 'Q-2026-0001', version: 1, now };
    expect(() => draftQuote({ ...deal, lines: [] }, draftInput, identity)).toThrow(ValidationError);
    expect(() => draftQuote(deal, { ...draftInput, validUntil: '2026-11-22' }, identity)).toThrow(
      'validUntil is in the past',
    );
  });
});

describe('quote numbers and dates', () => {
  it('pads the counter to four digits and lets it grow', () => {
    expect(formatQuoteNumber(2026, 7)).toBe('Q-2026-0007');
    expect(formatQuoteNumber(2026, 12345)).toBe('Q-2026-12345');
  });

  it('adds calendar days across months and years', () => {
    expect(addDays('2026-12-20T10:00:00.000Z', 30)).toBe('2027-01-19');
  });
});
