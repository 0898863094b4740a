import { linkKey } from '#config/link-key';
import type { User } from '#contracts/actor';
import { newEvent, userActor } from '#domain/events';
import { AWAITING_CUSTOMER, effectiveStatus, QuoteStateError } from '#domain/quotes';
import { hashToken, newToken, sealToken, unsealToken } from '#domain/tokens';
import type { QuoteResendInput } from '#schemas/quote-requests';
import type { Quote } from '#schemas/quotes';
import { putEvent } from '#store/deals';
import { getLinkSeal, saveQuote } from '#store/quotes';
import { rememberUser } from '#store/users';
import { systemClock } from './clock.ts';
import { getQuoteFor, quoteUrl } from './quotes.ts';

/**
 * Emails a quote that waits for the customer again, with the same link, to its recipient or to
 * another address: after `email.failed`, or when the customer lost the email. `quote.resent` (the
 * outbox entry notify turns into the email, retried like any other) lands on the timeline. The
 * quote itself does not change. A quote sent before links were kept gets a new link (the old one
 * keeps working).
 */
export async function resendQuote(
  id: string,
  input: QuoteResendInput,
  user: User,
): Promise<{ url: string; status: Quote['status'] }> {
  await rememberUser(user);
  const { quote, deal } = await getQuoteFor(id, user);
  const clock = systemClock();
  // A quote past its validity date counts as expired here too, before the job has run.
  const status = effectiveStatus(quote, clock.now);
  if (!AWAITING_CUSTOMER.includes(status)) throw new QuoteStateError(status, 'resent');
  const key = await linkKey();
  let sealed = await getLinkSeal(deal.id, quote.id);
  let token: string;
  if (sealed) {
    token = unsealToken(sealed, key);
  } else {
    token = newToken();
    sealed = sealToken(token, key);
    // The quote is written unchanged, on the condition that it still waits for the customer.
    await saveQuote({
      before: quote,
      after: quote,
      events: [],
      from: AWAITING_CUSTOMER,
      link: { tokenHash: hashToken(token), createdAt: clock.now, sealedToken: sealed },
    });
  }
  const to = input.to ?? quote.recipient.email;
  await putEvent(
    newEvent(
      deal.id,
      'quote.resent',
      {
        quoteId: quote.id,
        number: quote.number,
        version: quote.version,
        channel: 'email',
        to,
        ...(input.subject ? { subject: input.subject } : {}),
        ...(input.message ? { message: input.message } : {}),
        sealedToken: sealed,
      },
      userActor(user),
      clock,
    ),
  );
  return { url: quoteUrl(token), status: quote.status };
}
