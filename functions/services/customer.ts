import { linkKey } from '#config/link-key';
import { GoneError, NotFoundError, ValidationError } from '#domain/errors';
import { findStage } from '#domain/pipelines';
import { AWAITING_CUSTOMER, isPastValidity, QuoteStateError } from '#domain/quotes';
import { signaturePng } from '#domain/signature';
import { hashToken, isTokenShaped, sealToken } from '#domain/tokens';
import type { Deal, DealEvent, EventActor } from '#schemas/deals';
import type { Pipeline } from '#schemas/pipelines';
import type { ChangesInput, DeclineInput, SignInput } from '#schemas/public';
import type { Quote } from '#schemas/quotes';
import { getDeal, VersionConflictError } from '#store/deals';
import { getLink, getQuoteAt, saveQuote } from '#store/quotes';
import { systemClock } from './clock.ts';
import { newEvent, planStageMove } from './deals.ts';
import { getPipeline } from './pipelines.ts';

/** The customer's side of a quote: open it by its link, sign, ask for changes, decline. */

export interface Visitor {
  ip: string;
  userAgent: string;
}

const MAX_ATTEMPTS = 5;

/** Resolves a capability token by lookup of its hash. Unknown or malformed: 404, nothing revealed. */
export async function resolveToken(token: string): Promise<{ quote: Quote; deal: Deal }> {
  if (!isTokenShaped(token)) throw new NotFoundError('this link is not valid');
  const link = await getLink(hashToken(token));
  if (!link) throw new NotFoundError('this link is not valid');
  const [quote, deal] = await Promise.all([getQuoteAt(link.dealId, link.quoteId), getDeal(link.dealId)]);
  if (!quote || !deal) throw new NotFoundError('this link is not valid');
  return { quote, deal };
}

/** What the page shows: the status, with a quote past its validity date shown expired at once. */
export function effectiveStatus(quote: Quote, now: string): Quote['status'] {
  return AWAITING_CUSTOMER.includes(quote.status) && isPastValidity(quote, now) ? 'expired' : quote.status;
}

const customer = (name?: string): EventActor => ({ type: 'customer', ...(name ? { name } : {}) });

const summary = (quote: Quote) => ({ quoteId: quote.id, number: quote.number, version: quote.version });

/**
 * The first view moves the quote to `viewed` and writes `quote.viewed` with `first: true` (the rep
 * is notified once); later views while it waits for the customer land on the timeline only.
 */
export async function recordView(
  token: string,
  visitor: Visitor,
  attempt = 1,
): Promise<{ quote: Quote; deal: Deal }> {
  const { quote, deal } = await resolveToken(token);
  const clock = systemClock();
  if (!AWAITING_CUSTOMER.includes(effectiveStatus(quote, clock.now))) return { quote, deal };
  const first = quote.status === 'sent';
  const event = newEvent(
    deal.id,
    'quote.viewed',
    { ...summary(quote), first, ip: visitor.ip, userAgent: visitor.userAgent },
    customer(),
    clock,
  );
  if (!first) {
    // Through the quote's write all the same: the view extends the quote's event chain.
    try {
      await saveQuote({ before: quote, after: quote, events: [event] });
    } catch (error) {
      if (!(error instanceof QuoteStateError) || attempt >= MAX_ATTEMPTS) throw error;
      return recordView(token, visitor, attempt + 1);
    }
    return { quote, deal };
  }
  const viewed: Quote = { ...quote, status: 'viewed', viewedAt: clock.now, updatedAt: clock.now };
  try {
    await saveQuote({ before: quote, after: viewed, events: [event] });
    return { quote: viewed, deal };
  } catch (error) {
    // Another tab recorded the first view, or the customer acted meanwhile: show what is there now.
    if (error instanceof QuoteStateError) return resolveToken(token);
    throw error;
  }
}

type Outcome = { quote: Quote; replay: boolean };

/**
 * Runs a customer action as one conditional transaction from `sent` or `viewed`. A lost race
 * reads the quote again: the same action already done (a retried identical request) answers the
 * same result without writing again; anything else is a 409 carrying the outcome.
 */
async function act(
  token: string,
  isSameAction: (quote: Quote) => boolean,
  apply: (
    quote: Quote,
    deal: Deal,
    now: string,
    token: string,
  ) => Promise<{ quote: Quote; deal?: { before: Deal; after: Deal }; events: DealEvent[] }>,
): Promise<Outcome> {
  for (let attempt = 1; ; attempt++) {
    const { quote, deal } = await resolveToken(token);
    const now = systemClock().now;
    if (isSameAction(quote)) return { quote, replay: true };
    const status = effectiveStatus(quote, now);
    if (status === 'expired') throw new GoneError('this quote has expired', { status });
    if (!AWAITING_CUSTOMER.includes(status)) throw new QuoteStateError(status, 'changed');
    const change = await apply(quote, deal, now, token);
    try {
      const saved = await saveQuote({
        before: quote,
        after: change.quote,
        from: AWAITING_CUSTOMER,
        events: change.events,
        ...(change.deal ? { deal: change.deal } : {}),
      });
      return { quote: saved, replay: false };
    } catch (error) {
      const retry = error instanceof VersionConflictError || error instanceof QuoteStateError;
      if (!retry || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

async function moveDeal(
  deal: Deal,
  pipeline: Pipeline,
  stageId: string | undefined,
  lossReason: string | undefined,
  actor: EventActor,
  now: string,
) {
  const stage = stageId ? findStage(pipeline, stageId) : undefined;
  if (!stage) return { deal: undefined, events: [] };
  const planned = planStageMove(
    deal,
    { stageId: stage.id, ...(lossReason ? { lossReason } : {}) },
    pipeline,
    actor,
    {
      now,
      newId: systemClock().newId,
    },
  );
  return planned.events.length > 0
    ? { deal: { before: deal, after: planned.deal }, events: planned.events }
    : { deal: undefined, events: [] };
}

export function signQuote(token: string, input: SignInput, visitor: Visitor): Promise<Outcome> {
  const method = input.signature ? 'drawn' : 'typed';
  if (input.signature) signaturePng(input.signature);
  return act(
    token,
    (q) =>
      q.status === 'signed' &&
      q.signature?.name === input.name &&
      q.signature.email === input.email &&
      q.signature.image === input.signature,
    async (quote, deal, now, customerToken) => {
      if (!quote.documentHash) throw new Error(`quote ${quote.id} was sent without a document hash`);
      if (input.documentHash && input.documentHash !== quote.documentHash) {
        throw new ValidationError('the document changed since the page was loaded: reload it', [
          { path: 'body.documentHash', message: 'is not the current document' },
        ]);
      }
      const signed: Quote = {
        ...quote,
        status: 'signed',
        signedAt: now,
        updatedAt: now,
        signature: {
          name: input.name,
          ...(input.email ? { email: input.email } : {}),
          ...(input.signature ? { image: input.signature } : {}),
          method,
          consent: true,
          at: now,
          ip: visitor.ip,
          userAgent: visitor.userAgent,
          documentHash: quote.documentHash,
        },
      };
      const actor = customer(input.name);
      const pipeline = await getPipeline(deal.pipelineId);
      const move = await moveDeal(deal, pipeline, pipeline.onQuoteSigned, undefined, actor, now);
      const event = newEvent(
        deal.id,
        'quote.signed',
        {
          ...summary(quote),
          signer: input.name,
          ...(input.email ? { email: input.email } : {}),
          method,
          documentHash: quote.documentHash,
          ip: visitor.ip,
          // notify links the signed copy in its email; sealed, and removed once sent.
          sealedToken: sealToken(customerToken, await linkKey()),
        },
        actor,
        { now, newId: systemClock().newId },
      );
      return { quote: signed, ...(move.deal ? { deal: move.deal } : {}), events: [event, ...move.events] };
    },
  ).then(async (outcome) => {
    // The winner (or a replay) builds the sealed signed copy before answering, so the download
    // that follows finds it. Only the quote that won gets here: 50 racing requests seal once.
    // Loaded on demand: the PDF and seal code stay out of the page's cold start.
    const { ensureSignedCopy } = await import('./evidence.ts');
    return { ...outcome, quote: await ensureSignedCopy(outcome.quote) };
  });
}

export function requestChanges(token: string, input: ChangesInput): Promise<Outcome> {
  return act(
    token,
    (q) => q.status === 'changes_requested' && q.changeRequests.at(-1)?.message === input.message,
    async (quote, deal, now) => ({
      quote: {
        ...quote,
        status: 'changes_requested',
        updatedAt: now,
        changeRequests: [...quote.changeRequests, { at: now, message: input.message }],
      },
      events: [
        newEvent(
          deal.id,
          'quote.changes_requested',
          { ...summary(quote), message: input.message },
          customer(),
          { now, newId: systemClock().newId },
        ),
      ],
    }),
  );
}

export function declineQuote(token: string, input: DeclineInput): Promise<Outcome> {
  return act(
    token,
    (q) =>
      q.status === 'declined' && q.decline?.reason === input.reason && q.decline.message === input.message,
    async (quote, deal, now) => {
      const pipeline = await getPipeline(deal.pipelineId);
      const move = await moveDeal(deal, pipeline, pipeline.onQuoteDeclined, input.reason, customer(), now);
      const declined: Quote = {
        ...quote,
        status: 'declined',
        updatedAt: now,
        decline: { reason: input.reason, ...(input.message ? { message: input.message } : {}), at: now },
      };
      const event = newEvent(
        deal.id,
        'quote.declined',
        { ...summary(quote), reason: input.reason, ...(input.message ? { message: input.message } : {}) },
        customer(),
        { now, newId: systemClock().newId },
      );
      return { quote: declined, ...(move.deal ? { deal: move.deal } : {}), events: [event, ...move.events] };
    },
  );
}
