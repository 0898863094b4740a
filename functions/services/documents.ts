import { linkKey } from '#config/link-key';
import type { User } from '#contracts/actor';
import { userActor } from '#domain/events';
import { reminderSettings, reminderState } from '#domain/reminders';
import { hashToken, newToken, sealToken } from '#domain/tokens';
import { getTemplate } from '#render/templates';
import type { QuoteSendInput } from '#schemas/quote-requests';
import type { Quote } from '#schemas/quotes';
import { putDocument } from '#store/objects';
import { rememberUser } from '#store/users';
import { getPipeline } from './pipelines.ts';
import { getQuoteFor, quoteUrl, viewOf } from './quotes.ts';
import { transitionQuote } from './transitions.ts';

/** Quote documents (PDF) and sending: the use cases that need the PDF renderer. */

/**
 * The PDF renderer (our PDF writer, font engine and layout) loads with the first PDF, not at cold start: the
 * routes and stream records that never make a PDF (notify's notices) do not pay for it. In a bundle,
 * esbuild keeps it in the same file but runs its modules only on this import.
 */
let loading: Promise<typeof import('#render/pdf')> | undefined;
function pdfRenderer(): Promise<typeof import('#render/pdf')> {
  loading ??= import('#render/pdf');
  return loading;
}

/**
 * Renders the PDF of a quote (deterministic: byte-identical for the same quote and templates). Used
 * for drafts and once at sending; a sent quote's PDF is the stored file (services/evidence).
 */
export async function quotePdf(quote: Quote): Promise<Buffer> {
  const { renderQuotePdf } = await pdfRenderer();
  return renderQuotePdf(viewOf(quote));
}

/**
 * Sends a draft: the capability link (only its hash stored), status `sent`, the document hash, the
 * deal moved to the pipeline's `onQuoteSent` stage, and `quote.sent` (the outbox entry `notify`
 * turns into the email) — all in one transaction.
 */
export async function sendQuote(
  id: string,
  input: QuoteSendInput,
  user: User,
): Promise<{ url: string; status: Quote['status'] }> {
  await rememberUser(user);
  return transitionQuote({
    action: 'send',
    actor: userActor(user),
    read: () => getQuoteFor(id, user),
    build: async ({ quote, deal }, clock) => {
      const { logo: _logo, ...seller } = getTemplate(quote.templateId).seller;
      const pipeline = await getPipeline(deal.pipelineId);
      const sent: Quote = {
        ...quote,
        status: 'sent',
        sentAt: clock.now,
        sentBy: { id: user.id, name: user.name, email: user.email },
        updatedAt: clock.now,
        seller,
        // The pipeline's settings under this send's own, frozen on the quote.
        reminders: reminderState(reminderSettings(pipeline.reminders, input.reminders)),
        requireCode: input.requireCode ?? pipeline.requireCode ?? false,
      };
      // Rendered once and stored under its SHA-256 before the transaction: a lost race leaves an
      // unreferenced (never issued) object at worst, and a retry stores the same key again.
      sent.documentHash = await putDocument(await quotePdf(sent), { quote: quote.id, kind: 'quote' });
      const token = newToken();
      // Sealed for the outbox, and kept beside the quote while it waits for the customer (resend).
      const sealedToken = sealToken(token, await linkKey());
      const to = input.channel === 'email' ? (input.to ?? quote.recipient.email) : undefined;
      return {
        quote: sent,
        data: {
          channel: input.channel,
          documentHash: sent.documentHash,
          ...(to ? { to } : {}),
          ...(input.subject ? { subject: input.subject } : {}),
          ...(input.message ? { message: input.message } : {}),
          ...(input.channel === 'email' ? { sealedToken } : {}),
        },
        link: { tokenHash: hashToken(token), createdAt: clock.now, sealedToken },
        documents: [
          {
            sha256: sent.documentHash,
            kind: 'quote',
            quoteId: quote.id,
            dealId: quote.dealId,
            issuedAt: clock.now,
          },
        ],
        result: { url: quoteUrl(token), status: sent.status },
      };
    },
  });
}
