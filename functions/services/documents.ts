import { linkKey } from '#config/link-key';
import type { User } from '#contracts/actor';
import { userActor } from '#domain/events';
import { reminderSettings, reminderState } from '#domain/reminders';
import { hashToken, newToken, sealToken, sha256Hex } from '#domain/tokens';
import { getTemplate } from '#render/templates';
import type { QuoteSendInput } from '#schemas/quote-requests';
import type { Quote } from '#schemas/quotes';
import { listEvents } from '#store/deals';
import { rememberUser } from '#store/users';
import { getPipeline } from './pipelines.ts';
import { getQuoteFor, quoteUrl, viewOf } from './quotes.ts';
import { transitionQuote } from './transitions.ts';

/** Quote documents (PDF) and sending: the use cases that need the PDF renderer. */

/**
 * The PDF renderer (pdfkit, fontkit, the layout) loads with the first PDF, not at cold start: the
 * routes and stream records that never make a PDF (notify's notices) do not pay for it. In a bundle,
 * esbuild keeps it in the same file but runs its modules only on this import.
 */
let loading: Promise<typeof import('#render/pdf')> | undefined;
function pdfRenderer(): Promise<typeof import('#render/pdf')> {
  loading ??= import('#render/pdf');
  return loading;
}

/** The PDF of a quote, byte-identical for the same quote: its hash is recomputable at any time. */
export async function quotePdf(quote: Quote): Promise<Buffer> {
  const { renderQuotePdf } = await pdfRenderer();
  return renderQuotePdf(viewOf(quote));
}

export function pdfFileName(quote: Quote): string {
  return `${quote.number}-v${quote.version}.pdf`;
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
      sent.documentHash = sha256Hex(await quotePdf(sent));
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
        result: { url: quoteUrl(token), status: sent.status },
      };
    },
  });
}

/**
 * The signed copy: the quote exactly as signed, plus the certificate page with its history (the
 * quote's events, oldest first). What the customer downloads and what their email attaches.
 */
export async function signedCopy(quote: Quote): Promise<Buffer> {
  const signature = quote.signature;
  if (quote.status !== 'signed' || !signature) throw new Error(`quote ${quote.id} is not signed`);
  const { items: events } = await listEvents(quote.dealId, undefined, 1000);
  const history = events
    .filter((e) => e.type.startsWith('quote.') && e.data.quoteId === quote.id)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
    .map((e) => ({ at: e.at, type: e.type, actor: e.actor }));
  const { renderQuotePdf } = await pdfRenderer();
  return renderQuotePdf(viewOf(quote), {
    certificate: {
      signerName: signature.name,
      ...(signature.email ? { signerEmail: signature.email } : {}),
      signedAt: signature.at,
      ip: signature.ip,
      userAgent: signature.userAgent,
      documentHash: signature.documentHash,
      method: signature.method,
      ...(signature.image ? { signatureImage: signature.image } : {}),
      ...(signature.verification
        ? { verification: { to: signature.verification.to, sentAt: signature.verification.sentAt } }
        : {}),
      events: history,
    },
  });
}

/** The PDF the customer's link serves: the signed copy once signed, else the quote. */
export async function customerPdf(quote: Quote): Promise<{ pdf: Buffer; fileName: string }> {
  return quote.status === 'signed'
    ? { pdf: await signedCopy(quote), fileName: signedFileName(quote) }
    : { pdf: await quotePdf(quote), fileName: pdfFileName(quote) };
}

export function signedFileName(quote: Quote): string {
  return `${quote.number}-v${quote.version}-signed.pdf`;
}
