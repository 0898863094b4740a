import { maskEmail } from '#domain/codes';
import { effectiveStatus, isSignedCopyPending } from '#domain/quotes';
import type { ActionName, FieldError, PageState, QuotePageModel } from '#render/page-model';
import type { Deal } from '#schemas/deals';
import type { DeclineReason } from '#schemas/public';
import type { Quote } from '#schemas/quotes';
import { systemClock } from '#services/clock';
import { repOf, viewOf } from '#services/quotes';

/** What the page of a quote shows, from the quote as it is now. */
export async function pageModel(
  token: string,
  quote: Quote,
  deal: Deal,
  nonce: string,
  extra: {
    outcome?: QuotePageModel['outcome'];
    form?: { action: ActionName; errors: FieldError[]; values: Record<string, string> };
    /** A one-time code was just sent. */
    codeSent?: boolean;
  } = {},
): Promise<QuotePageModel> {
  const status = effectiveStatus(quote, systemClock().now);
  const state: PageState = status === 'sent' || status === 'viewed' || status === 'draft' ? 'open' : status;
  const basePath = `/q/${token}`;
  const needsContact = state === 'expired' || state === 'withdrawn';
  const owner = needsContact ? await repOf(quote, deal) : undefined;
  const last = quote.changeRequests.at(-1);
  const { codeSent, ...rest } = extra;
  return {
    state,
    view: viewOf(quote),
    basePath,
    nonce,
    ...(state === 'open' ? { viewReport: `${basePath}/view` } : {}),
    ...(state === 'open' && quote.requireCode
      ? { code: { to: maskEmail(quote.recipient.email), ...(codeSent ? { sent: true } : {}) } }
      : {}),
    ...(quote.documentHash ? { documentHash: quote.documentHash } : {}),
    pdfUrl: `${basePath}/pdf`,
    ...(isSignedCopyPending(quote) ? { signedCopyPending: true } : {}),
    ...(quote.signature
      ? {
          signature: {
            name: quote.signature.name,
            at: quote.signature.at,
            method: quote.signature.method,
            documentHash: quote.signature.documentHash,
            ...(quote.signature.verification
              ? {
                  verification: {
                    to: quote.signature.verification.to,
                    sentAt: quote.signature.verification.sentAt,
                  },
                }
              : {}),
          },
        }
      : {}),
    ...(quote.decline
      ? {
          decline: {
            reason: quote.decline.reason as DeclineReason,
            ...(quote.decline.message ? { message: quote.decline.message } : {}),
            at: quote.decline.at,
          },
        }
      : {}),
    ...(state === 'changes_requested' && last
      ? { changeRequest: { message: last.message, at: last.at } }
      : {}),
    ...(needsContact
      ? {
          contact: owner
            ? { name: owner.name, email: owner.email }
            : { name: quote.seller?.name ?? viewOf(quote).seller.name },
        }
      : {}),
    ...rest,
  };
}

/** The page's status code: a quote past its validity answers 410, every other page 200. */
export function pageStatus(model: QuotePageModel): number {
  return model.state === 'expired' ? 410 : 200;
}
