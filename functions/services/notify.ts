import { getStringFromEnv } from '#config/env';
import { linkKey } from '#config/link-key';
import { logger } from '#config/logger';
import { unsealToken } from '#domain/tokens';
import type { Attachment } from '#mail/mime';
import { sendMail } from '#mail/ses';
import { type NoticeKind, renderQuoteEmail, renderRepNotice, renderSignedCopyEmail } from '#render/email';
import type { DealEvent } from '#schemas/deals';
import type { Quote } from '#schemas/quotes';
import { addEvent, getDeal, getEventItem, markOutbox } from '#store/deals';
import { getQuoteAt } from '#store/quotes';
import { getUserProfile } from '#store/users';
import { isOutboxEvent, OUTBOX_TYPES } from '../notify/filter.ts';
import { newEvent } from './deals.ts';
import { pdfFileName, signedFileName } from './documents.ts';
import { customerPdf, storedQuotePdf } from './evidence.ts';
import { publicBaseUrl, quoteUrl, viewOf } from './quotes.ts';

/**
 * The outbox consumer's work: each outbox event becomes the emails it calls for. An email that
 * went out is remembered on the event, so a retried event never sends it twice; after
 * MAX_ATTEMPTS failed tries the event is closed with `email.failed` on the timeline. A failed
 * send never undoes the action that caused it.
 */

export const MAX_ATTEMPTS = 3;

interface Outgoing {
  kind: string;
  to: { name?: string; email: string };
  build: () => Promise<{ subject: string; html: string; text: string; attachments?: Attachment[] }>;
}

const NOTICE_BY_TYPE: Record<string, NoticeKind> = {
  'quote.viewed': 'viewed',
  'quote.signed': 'signed',
  'quote.changes_requested': 'changes_requested',
  'quote.declined': 'declined',
  'quote.expired': 'expired',
};

function repUrl(dealId: string): string {
  const base = process.env.REP_APP_URL || publicBaseUrl();
  return `${base.replace(/\/+$/, '')}/deals/${dealId}`;
}

async function outgoing(event: DealEvent, quote: Quote): Promise<Outgoing[]> {
  const data = event.data as Record<string, unknown>;
  const list: Outgoing[] = [];
  const view = () => viewOf(quote);
  const sealed = typeof data.sealedToken === 'string' ? data.sealedToken : undefined;

  if (event.type === 'quote.sent' && data.channel === 'email' && sealed) {
    const to = typeof data.to === 'string' ? data.to : quote.recipient.email;
    list.push({
      kind: 'quote',
      to: { name: quote.recipient.name, email: to },
      build: async () => {
        const url = quoteUrl(unsealToken(sealed, await linkKey()));
        const email = renderQuoteEmail(view(), {
          url,
          ...(typeof data.subject === 'string' ? { subject: data.subject } : {}),
          ...(typeof data.message === 'string' ? { message: data.message } : {}),
        });
        return {
          ...email,
          attachments: [
            {
              filename: pdfFileName(quote),
              contentType: 'application/pdf',
              content: await storedQuotePdf(quote),
            },
          ],
        };
      },
    });
  }

  if (event.type === 'quote.signed' && sealed && quote.signature) {
    const signature = quote.signature;
    list.push({
      kind: 'signed-copy',
      to: { name: signature.name, email: signature.email ?? quote.recipient.email },
      build: async () => {
        const url = `${quoteUrl(unsealToken(sealed, await linkKey()))}/pdf`;
        const email = renderSignedCopyEmail(view(), {
          url,
          signerName: signature.name,
          signedAt: signature.at,
        });
        const copy = await customerPdf(quote);
        if (!copy.signed) throw new Error(`quote ${quote.id} is signed but has no stored signed copy`);
        return {
          ...email,
          attachments: [
            { filename: signedFileName(quote), contentType: 'application/pdf', content: copy.bytes },
          ],
        };
      },
    });
  }

  const notice = NOTICE_BY_TYPE[event.type];
  const firstViewOnly = event.type !== 'quote.viewed' || data.first === true;
  if (notice && firstViewOnly) {
    const deal = await getDeal(quote.dealId);
    // The owner as last seen in a token; else the rep who sent the quote.
    const owner =
      (deal ? await getUserProfile(deal.ownerId) : undefined) ??
      (quote.sentBy?.email ? quote.sentBy : undefined);
    if (owner?.email) {
      list.push({
        kind: `notice-${notice}`,
        to: { name: owner.name, email: owner.email },
        build: async () =>
          renderRepNotice(view(), {
            kind: notice,
            at: event.at,
            url: repUrl(quote.dealId),
            ...(typeof data.signer === 'string' ? { signerName: data.signer } : {}),
            ...(typeof data.reason === 'string' ? { reason: data.reason } : {}),
            ...(typeof data.message === 'string' ? { message: data.message } : {}),
          }),
      });
    } else {
      logger.warn('no email known for the deal owner: notice skipped', {
        dealId: quote.dealId,
        type: event.type,
      });
    }
  }
  return list;
}

/** Sends what an outbox event calls for. Throws when a send failed and another try is due. */
export async function processOutboxEvent(delivered: DealEvent): Promise<void> {
  // The stream delivers the event as inserted; what was already sent is on the item now.
  const current = await getEventItem(delivered.dealId, delivered.id);
  if (!current || current._notifiedAt) return;
  const event = current as unknown as DealEvent;
  const quoteId = String(event.data.quoteId ?? '');
  const quote = quoteId ? await getQuoteAt(event.dealId, quoteId) : undefined;
  if (!quote) {
    await markOutbox(event.dealId, event.id, { done: true });
    return;
  }
  const already = new Set((current._sentEmails as Set<string> | undefined) ?? []);
  const from = {
    name: quote.seller?.name ?? viewOf(quote).seller.name,
    email: getStringFromEnv('SENDER_EMAIL'),
  };
  try {
    for (const mail of await outgoing(event, quote)) {
      if (already.has(mail.kind)) continue;
      const content = await mail.build();
      const messageId = await sendMail({ from, to: [mail.to], ...content });
      await markOutbox(event.dealId, event.id, { sent: mail.kind });
      await addEvent(
        newEvent(
          event.dealId,
          'email.sent',
          {
            kind: mail.kind,
            to: mail.to.email,
            quoteId: quote.id,
            number: quote.number,
            messageId,
            cause: event.id,
          },
          { type: 'system', name: 'notify' },
        ),
      );
    }
    await markOutbox(event.dealId, event.id, { done: true });
  } catch (error) {
    const { attempts } = await markOutbox(event.dealId, event.id, { attempt: true });
    logger.error('email send failed', {
      eventId: event.id,
      type: event.type,
      attempts,
      error: error as Error,
    });
    if (attempts < MAX_ATTEMPTS) throw error;
    await addEvent(
      newEvent(
        event.dealId,
        'email.failed',
        {
          quoteId: quote.id,
          number: quote.number,
          cause: event.id,
          causeType: event.type,
          attempts,
          reason: (error as Error).message?.slice(0, 300) ?? 'unknown',
        },
        { type: 'system', name: 'notify' },
      ),
    );
    await markOutbox(event.dealId, event.id, { done: true });
  }
}

export { isOutboxEvent, OUTBOX_TYPES };
