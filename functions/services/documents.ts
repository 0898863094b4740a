import { linkKey } from '#config/link-key';
import { findStage } from '#domain/pipelines';
import { assertMove } from '#domain/quotes';
import { hashToken, newToken, sealToken } from '#domain/tokens';
import type { User } from '#http/auth';
import { renderQuotePdf } from '#render/pdf';
import { getTemplate } from '#render/templates';
import type { Deal, DealEvent } from '#schemas/deals';
import type { QuoteSendInput } from '#schemas/quote-requests';
import type { Quote } from '#schemas/quotes';
import { VersionConflictError } from '#store/deals';
import { putDocument } from '#store/objects';
import { saveQuote } from '#store/quotes';
import { rememberUser } from '#store/users';
import { systemClock } from './clock.ts';
import { newEvent, planStageMove, userActor } from './deals.ts';
import { getPipeline } from './pipelines.ts';
import { getQuoteFor, quoteUrl, viewOf } from './quotes.ts';

/** Quote documents (PDF) and sending: the use cases that need the PDF renderer. */

const MAX_ATTEMPTS = 5;

/**
 * Renders the PDF of a quote (deterministic: byte-identical for the same quote and templates). Used
 * for drafts and once at sending; a sent quote's PDF is the stored file (services/evidence).
 */
export function quotePdf(quote: Quote): Promise<Buffer> {
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
    // Rendered once and stored under its SHA-256 before the transaction: a lost race leaves an
    // unreferenced (never issued) object at worst, and a retry stores the same key again.
    sent.documentHash = await putDocument(await quotePdf(sent), { quote: quote.id, kind: 'quote' });
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
        documents: [
          {
            sha256: sent.documentHash,
            kind: 'quote',
            quoteId: quote.id,
            dealId: deal.id,
            issuedAt: clock.now,
          },
        ],
      });
      return { url: quoteUrl(token), status: sent.status };
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

export function signedFileName(quote: Quote): string {
  return `${quote.number}-v${quote.version}-signed.pdf`;
}
