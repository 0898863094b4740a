import { linkKey } from '#config/link-key';
import {
  CODE_ATTEMPTS,
  codeAllowance,
  codeRefusal,
  hashCode,
  issueCode,
  maskEmail,
  newCode,
  sameHash,
} from '#domain/codes';
import { ConflictError, TooManyRequestsError, ValidationError } from '#domain/errors';
import { customerActor, newEvent } from '#domain/events';
import { assertTransition } from '#domain/quotes';
import { sealToken } from '#domain/tokens';
import type { SignerVerification } from '#schemas/follow-through';
import type { Quote } from '#schemas/quotes';
import { countCodeAttempt, getSignerCode, saveSignerCode, useCodeItem } from '#store/codes';
import type { TransactItem } from '#store/items';
import type { NewWork } from '#store/work';
import { newId, systemClock } from './clock.ts';
import { EMAIL_WORK, type EmailPayload } from './notify.ts';
import { done, lostRace, retryOnConflict } from './retry.ts';
import { quoteSummary } from './transitions.ts';
import { runWorkItems } from './work.ts';

/**
 * The optional one-time code before signing (`requireCode`). The customer asks for a code on the
 * page; it is emailed to the quote's recipient through the email outbox (tried at once, retried by
 * the `deliver` job) and only its keyed hash is kept. Signing then needs it (422 otherwise), and the
 * signature's transaction spends it, so one code signs once.
 */

export class CodeNotRequiredError extends ConflictError {
  override readonly code = 'code_not_required';
}

const secondsUntil = (at: string, now: string) =>
  Math.max(1, Math.ceil((Date.parse(at) - Date.parse(now)) / 1000));

/** Emails a new code to the quote's recipient. 429 after three codes in the hour. */
export function requestSignerCode(quote: Quote): Promise<{ sentTo: string; expiresAt: string }> {
  return retryOnConflict(async () => {
    const now = systemClock().now;
    // Only while the customer can still sign (410 past its validity, 409 once answered).
    assertTransition(quote, 'sign', now);
    if (!quote.requireCode) throw new CodeNotRequiredError('this quote can be signed without a code');
    const previous = await getSignerCode(quote.dealId, quote.id);
    const { recent, retryAt } = codeAllowance(previous, now);
    if (retryAt) {
      throw new TooManyRequestsError('too many codes were asked for this quote: try again later', {
        retryAfterSeconds: secondsUntil(retryAt, now),
      });
    }
    const key = await linkKey();
    const code = newCode();
    const state = issueCode(
      newId(),
      hashCode(key, quote.id, code),
      maskEmail(quote.recipient.email),
      now,
      recent,
    );
    const event = newEvent(
      quote.dealId,
      'quote.code_sent',
      { ...quoteSummary(quote), to: state.to, expiresAt: state.expiresAt },
      customerActor(),
      { now, newId },
    );
    const payload: EmailPayload = {
      mail: 'code',
      dealId: quote.dealId,
      quoteId: quote.id,
      cause: event.id,
      causeType: event.type,
      to: { name: quote.recipient.name, email: quote.recipient.email },
      sealedCode: sealToken(code, key),
    };
    const email: NewWork = { id: `${event.id}.code`, kind: EMAIL_WORK, payload: { ...payload } };
    if (!(await saveSignerCode(quote.dealId, quote.id, previous, state, event, email))) {
      return lostRace(new ConflictError('another code was sent at the same time: use that one'));
    }
    await runWorkItems([email.id]);
    return done({ sentTo: state.to, expiresAt: state.expiresAt });
  });
}

const MESSAGES = {
  code_required: 'this quote can only be signed with a one-time code: ask for one on the page',
  code_expired: 'this code has expired: ask for a new one',
  code_invalid: 'this code is not right',
} as const;

function refused(reason: keyof typeof MESSAGES, extra: Record<string, unknown> = {}): ValidationError {
  return new ValidationError(MESSAGES[reason], [
    { path: 'body.code', message: MESSAGES[reason], reason, ...extra },
  ]);
}

export interface VerifiedCode {
  verification: SignerVerification;
  /** The transaction item that spends the code with the signature. */
  spend: TransactItem;
}

/**
 * Checks the code a signer typed: every try counts (five per code), a wrong, expired or missing one
 * is refused with the reason (422), a code out of tries answers 429 (ask for a new one).
 */
export async function verifySignerCode(
  quote: Quote,
  typed: string | undefined,
  now: string,
): Promise<VerifiedCode> {
  const state = await getSignerCode(quote.dealId, quote.id);
  const code = (typed ?? '').replace(/\s+/g, '');
  if (!code || !state) throw refused('code_required');
  const refusal = codeRefusal(state, now);
  const locked = () =>
    new TooManyRequestsError('too many wrong codes: ask for a new code, or try again later', {
      reason: 'code_locked',
      ...(codeAllowance(state, now).retryAt
        ? { retryAfterSeconds: secondsUntil(codeAllowance(state, now).retryAt as string, now) }
        : {}),
    });
  if (refusal === 'code_locked') throw locked();
  if (refusal) throw refused(refusal);
  if (!(await countCodeAttempt(quote.dealId, quote.id, state.id))) {
    // Spent by a signature meanwhile, replaced by a newer code, or out of tries.
    const current = await getSignerCode(quote.dealId, quote.id);
    if (current?.id === state.id && !current.usedAt) throw locked();
    throw refused(current?.usedAt ? 'code_required' : 'code_invalid');
  }
  if (!sameHash(hashCode(await linkKey(), quote.id, code), state.hash)) {
    throw refused('code_invalid', { attemptsLeft: Math.max(0, CODE_ATTEMPTS - state.attempts - 1) });
  }
  return {
    verification: { method: 'email_code', to: state.to, sentAt: state.sentAt, verifiedAt: now },
    spend: useCodeItem(quote.dealId, quote.id, state.id, now),
  };
}
