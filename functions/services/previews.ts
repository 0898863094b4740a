import type { User } from '#contracts/actor';
import { getQuoteFor, publicBaseUrl, viewOf } from './quotes.ts';

/**
 * What the quote builder previews: the quote's page and its email, rendered as the customer will get
 * them. Served by `documents`, which renders anyway, so the `api` bundle loads no renderer; the
 * renderers (Handlebars) load with the first preview, not at the function's cold start.
 */

/** The quote as the customer will see it (HTML). */
export async function previewQuoteHtml(id: string, user: User): Promise<string> {
  const { quote } = await getQuoteFor(id, user);
  const { renderQuoteHtml } = await import('#render/html');
  return renderQuoteHtml(viewOf(quote));
}

/**
 * The quote email as `POST /quotes/{id}/send` would write it with this subject and message (the
 * template's, in the quote's locale, when absent), for the send dialog. The link is a stand-in:
 * the real one is made when the quote is sent.
 */
export async function previewQuoteEmail(
  id: string,
  input: { to?: string | undefined; subject?: string | undefined; message?: string | undefined },
  user: User,
) {
  const { quote } = await getQuoteFor(id, user);
  const { defaultQuoteEmail, renderQuoteEmail } = await import('#render/email');
  const view = viewOf(quote);
  const defaults = defaultQuoteEmail(view);
  const email = renderQuoteEmail(view, {
    url: `${publicBaseUrl()}/q/…`,
    ...(input.subject ? { subject: input.subject } : {}),
    ...(input.message ? { message: input.message } : {}),
  });
  return {
    to: input.to ?? quote.recipient.email,
    subject: email.subject,
    message: input.message ?? defaults.message,
    defaultSubject: defaults.subject,
    defaultMessage: defaults.message,
    html: email.html,
    text: email.text,
  };
}
