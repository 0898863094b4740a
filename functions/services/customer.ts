import { linkKey } from '#config/link-key';
import { ValidationError } from '#domain/errors';
import { customerActor } from '#domain/events';
import { AWAITING_CUSTOMER, effectiveStatus } from '#domain/quotes';
import { canonicalSignature } from '#domain/signature';
import { sealToken } from '#domain/tokens';
import type { Deal } from '#schemas/deals';
import type { ChangesInput, DeclineInput, SignInput } from '#schemas/public';
import type { Quote } from '#schemas/quotes';
import { systemClock } from './clock.ts';
import { verifySignerCode } from './codes.ts';
import { resolveToken, type Visitor } from './links.ts';
import { type TransitionPlan, transitionQuote } from './transitions.ts';

/**
 * The customer's answers to a quote: sign, ask for changes, decline. Opening it by its link and the
 * view it records are links.ts (the PDF routes of `documents` need those alone).
 */

export type Outcome = { quote: Quote; replay: boolean };

/**
 * A customer's answer. Read again after a lost race, the same answer already given (a retried
 * identical request) answers the same result without writing again; anything else is a 409
 * carrying the status that won, or 410 past the validity date.
 */
function answer(
  token: string,
  action: 'sign' | 'requestChanges' | 'decline',
  isSameAnswer: (quote: Quote) => boolean,
  build: (
    found: { quote: Quote; deal: Deal },
    now: string,
  ) => Promise<TransitionPlan<Outcome>> | TransitionPlan<Outcome>,
  actorName?: string,
): Promise<Outcome> {
  return transitionQuote<Outcome>({
    action,
    actor: customerActor(actorName),
    read: () => resolveToken(token),
    settle: ({ quote }) => (isSameAnswer(quote) ? { quote, replay: true } : undefined),
    build: (found, clock) => build(found, clock.now),
  });
}

/** An answer shows a person saw the quote (without JavaScript, the page could not say so). */
const changed = (quote: Quote): TransitionPlan<Outcome> => {
  const seen: Quote = { ...quote, viewedAt: quote.viewedAt ?? quote.updatedAt };
  return { quote: seen, result: { quote: seen, replay: false } };
};

/**
 * Signs the quote. The sealed signed copy is not built here but by the outbox when it reads
 * `quote.signed` (services/notify.ts): the seal code (PDF, certificates, KMS) stays out of the
 * customer's function, and the page says the copy is being prepared until it is recorded.
 */
export async function signQuote(token: string, input: SignInput, visitor: Visitor): Promise<Outcome> {
  const method = input.signature ? 'drawn' : 'typed';
  // Decoded and checked whole before anything is written (422 otherwise); what is stored is our
  // re-encoding, known good.
  const image = input.signature ? canonicalSignature(input.signature) : undefined;
  const isSameSignature = (q: Quote) =>
    q.status === 'signed' &&
    q.signature?.name === input.name &&
    q.signature.email === input.email &&
    q.signature.image === image;
  // A quote that requires a one-time code: checked (and the try counted) before the transition,
  // spent in its transaction. A retried identical signature replays without one.
  const found = await resolveToken(token);
  const checkedAt = systemClock().now;
  const verified =
    found.quote.requireCode &&
    AWAITING_CUSTOMER.includes(effectiveStatus(found.quote, checkedAt)) &&
    !isSameSignature(found.quote)
      ? await verifySignerCode(found.quote, input.code, checkedAt)
      : undefined;
  return answer(
    token,
    'sign',
    isSameSignature,
    async ({ quote }, now) => {
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
          ...(image ? { image } : {}),
          method,
          consent: true,
          at: now,
          ip: visitor.ip,
          userAgent: visitor.userAgent,
          documentHash: quote.documentHash,
          ...(verified ? { verification: verified.verification } : {}),
        },
      };
      return {
        ...changed(signed),
        ...(verified ? { also: [verified.spend] } : {}),
        data: {
          signer: input.name,
          ...(input.email ? { email: input.email } : {}),
          method,
          documentHash: quote.documentHash,
          ...(verified ? { verifiedBy: 'email_code', verifiedTo: verified.verification.to } : {}),
          ip: visitor.ip,
          // notify links the signed copy in its email; sealed, and removed once sent.
          sealedToken: sealToken(token, await linkKey()),
        },
      };
    },
    input.name,
  );
}

export function requestChanges(token: string, input: ChangesInput): Promise<Outcome> {
  return answer(
    token,
    'requestChanges',
    (q) => q.status === 'changes_requested' && q.changeRequests.at(-1)?.message === input.message,
    ({ quote }, now) => ({
      ...changed({
        ...quote,
        status: 'changes_requested',
        updatedAt: now,
        changeRequests: [...quote.changeRequests, { at: now, message: input.message }],
      }),
      data: { message: input.message },
    }),
  );
}

export function declineQuote(token: string, input: DeclineInput): Promise<Outcome> {
  return answer(
    token,
    'decline',
    (q) =>
      q.status === 'declined' && q.decline?.reason === input.reason && q.decline.message === input.message,
    ({ quote }, now) => ({
      ...changed({
        ...quote,
        status: 'declined',
        updatedAt: now,
        decline: { reason: input.reason, ...(input.message ? { message: input.message } : {}), at: now },
      }),
      data: { reason: input.reason, ...(input.message ? { message: input.message } : {}) },
      lossReason: input.reason,
    }),
  );
}
