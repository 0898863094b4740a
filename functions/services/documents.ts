import { linkKey } from '#config/link-key';
import { findStage } from '#domain/pipelines';
import { assertMove } from '#domain/quotes';
import { hashToken, newToken, sealToken, sha256Hex } from '#domain/tokens';
import type { User } from '#http/auth';
import { getTemplate } from '#render/templates';
import type { Deal, DealEvent } from '#schemas/deals';
import type { QuoteSendInput } from '#schemas/quote-requests';
import type { Quote } from '#schemas/quotes';
import { VersionConflictError } from '#store/deals';
import { saveQuote } from '#store/quotes';
import { rememberUser } from '#store/users';
import { systemClock } from './clock.ts';
import { newEvent, planStageMove, userActor } from './deals.ts';
import { getPipeline } from './pipelines.ts';
import { getQuoteFor, quoteUrl, viewOf } from './quotes.ts';

/** Quote documents (PDF) and sending: the use cases that need the PDF renderer. */

const MAX_ATTEMPTS = 5;

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
  for (let attempt = 1; ; attempt++) {
    const { quote, deal } = await getQuoteFor(id, user);
    assertMove(quote.status, 'sent', 'sent');
    const clock = systemClock();
    const template = getTemplate(quote.templateId);
    const { logo: _logo, ...seller } = template.seller;
    const sent: Quote = {
      ...quote,
      status: 'sent',
      sentAt: clock.now,
      sentBy: { id: user.id, name: user.name, email: user.email },
      updatedAt: clock.now,
      seller,
    };
    sent.documentHash = sha256Hex(await quotePdf(sent));
    const token = newToken();
    const to = input.channel === 'email' ? (input.to ?? quote.recipient.email) : undefined;
    const events: DealEvent[] = [
      newEvent(
        deal.id,
        'quote.sent',
        {
          quoteId: quote.id,
          number: quote.number,
          version: quote.version,
          channel: input.channel,
          documentHash: sent.documentHash,
          ...(to ? { to } : {}),
          ...(input.subject ? { subject: input.subject } : {}),
          ...(input.message ? { message: input.message } : {}),
          ...(input.channel === 'email' ? { sealedToken: sealToken(token, await linkKey()) } : {}),
        },
        userActor(user),
        clock,
      ),
    ];
    const pipeline = await getPipeline(deal.pipelineId);
    const target = pipeline.onQuoteSent ? findStage(pipeline, pipeline.onQuoteSent) : undefined;
    let dealMove: { before: Deal; after: Deal } | undefined;
    if (target && deal.status === 'open' && deal.stageId !== target.id) {
      const moved = planStageMove(deal, { stageId: target.id }, pipeline, userActor(user), clock);
      dealMove = { before: deal, after: moved.deal };
      events.push(...moved.events);
    }
    try {
      await saveQuote({
        before: quote,
        after: sent,
        events,
        ...(dealMove ? { deal: dealMove } : {}),
        link: { tokenHash: hashToken(token), createdAt: clock.now },
      });
      return { url: quoteUrl(token), status: sent.status };
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/** The signed copy: the quote exactly as signed, plus the certificate page with its history. */
export async function signedPdf(quote: Quote, events: DealEvent[]): Promise<Buffer> {
  const signature = quote.signature;
  if (quote.status !== 'signed' || !signature) throw new Error(`quote ${quote.id} is not signed`);
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
      events: history,
    },
  });
}

export function signedFileName(quote: Quote): string {
  return `${quote.number}-v${quote.version}-signed.pdf`;
}
