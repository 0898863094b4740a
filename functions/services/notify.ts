import { getStringFromEnv } from '#config/env';
import { linkKey } from '#config/link-key';
import { logger } from '#config/logger';
import { isOutboxEvent, OUTBOX_TYPES } from '#contracts/streams';
import { CODE_MINUTES } from '#domain/codes';
import { newEvent, systemActor } from '#domain/events';
import { isSignedCopyPending } from '#domain/quotes';
import { isServiceFailure } from '#domain/retry';
import { unsealToken } from '#domain/tokens';
import type { Attachment } from '#mail/mime';
import { sendMail } from '#mail/ses';
import {
  type NoticeKind,
  renderCodeEmail,
  renderQuoteEmail,
  renderReminderEmail,
  renderRepNotice,
  renderSignedCopyEmail,
} from '#render/email';
import type { DealEvent } from '#schemas/deals';
import type { Quote } from '#schemas/quotes';
import { addEvent, getDeal, getEventItem, markOutbox } from '#store/deals';
import { getQuoteAt } from '#store/quotes';
import { getWork, type NewWork, scheduleWork } from '#store/work';
import { newId } from './clock.ts';
import { countEmail } from './metrics.ts';
import { publicBaseUrl, quoteUrl, repOf, viewOf } from './quotes.ts';
import { defineWorkKind, runWorkItems } from './work.ts';

/**
 * The outbox consumer's work. Each outbox event becomes one scheduled delivery per email it calls
 * for (quote to the customer, signed copy, notices to the rep), each tried on its own: one that
 * cannot be built or sent never holds back the others. A delivery that fails for a reason that can
 * pass is retried for 24 hours (services/work.ts); a refused one, or the end of that window, is
 * `email.failed` on the timeline and a notice to the rep. A failed send never undoes the action.
 */

export const EMAIL_WORK = 'email';

type MailKind = 'quote' | 'signed-copy' | 'notice' | 'reminder' | 'code';

export interface EmailPayload {
  mail: MailKind;
  notice?: NoticeKind;
  dealId: string;
  quoteId: string;
  /** The event that called for it, and its type. */
  cause: string;
  causeType: string;
  to: { name?: string; email: string };
  /** The customer's link token, sealed with the link key; dropped once the email is finished. */
  sealedToken?: string;
  /** The rep's own subject and message (quote email). */
  subject?: string;
  message?: string;
  /** Notices: when it happened and what the customer said. */
  at?: string;
  signerName?: string;
  reason?: string;
  customerMessage?: string;
  /** `email_failed` notices: the address that did not get the email. */
  failedTo?: string;
  /** Reminders: why (or `manual`, the rep's own). */
  reminder?: 'not_opened' | 'not_answered' | 'before_expiry' | 'manual';
  /** A one-time code, sealed with the link key like the token; dropped once the email is finished. */
  sealedCode?: string;
  /** `signed` notices: the signed copy's delivery, to say when the copy could not be built. */
  copyWork?: string;
  /** A customer's answer on a deal already closed: the deal stayed as the rep left it. */
  dealStays?: 'won' | 'lost';
}

/** The email could not be built (a document that cannot render, a damaged token): never retried. */
export class EmailBuildError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmailBuildError';
  }
}

const NOTICE_BY_TYPE: Record<string, NoticeKind> = {
  'quote.viewed': 'viewed',
  'quote.signed': 'signed',
  'quote.changes_requested': 'changes_requested',
  'quote.declined': 'declined',
  'quote.expired': 'expired',
};

/** The `kind` recorded on email.sent / email.failed: quote, signed-copy, notice-<kind>. */
export function mailKind(payload: Pick<EmailPayload, 'mail' | 'notice'>): string {
  return payload.mail === 'notice' ? `notice-${payload.notice}` : payload.mail;
}

function repUrl(dealId: string): string {
  const base = process.env.REP_APP_URL || publicBaseUrl();
  return `${base.replace(/\/+$/, '')}/deals/${dealId}`;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** The deliveries an outbox event calls for, in the order they are tried. */
async function deliveriesOf(event: DealEvent, quote: Quote): Promise<NewWork<EmailPayload>[]> {
  const data = event.data as Record<string, unknown>;
  const base = { dealId: quote.dealId, quoteId: quote.id, cause: event.id, causeType: event.type };
  const sealed = text(data.sealedToken);
  const list: EmailPayload[] = [];

  if ((event.type === 'quote.sent' && data.channel === 'email') || event.type === 'quote.resent') {
    if (sealed) {
      list.push({
        ...base,
        mail: 'quote',
        to: { name: quote.recipient.name, email: text(data.to) ?? quote.recipient.email },
        sealedToken: sealed,
        ...(text(data.subject) ? { subject: text(data.subject) } : {}),
        ...(text(data.message) ? { message: text(data.message) } : {}),
      });
    }
  }

  if (event.type === 'quote.reminder_sent' && sealed) {
    const kind = data.kind;
    list.push({
      ...base,
      mail: 'reminder',
      reminder:
        kind === 'not_opened' || kind === 'not_answered' || kind === 'before_expiry' ? kind : 'manual',
      to: { name: quote.recipient.name, email: text(data.to) ?? quote.recipient.email },
      sealedToken: sealed,
      ...(text(data.message) ? { message: text(data.message) } : {}),
    });
  }

  let copyWork: string | undefined;
  if (event.type === 'quote.signed' && sealed && quote.signature) {
    const copy: EmailPayload = {
      ...base,
      mail: 'signed-copy',
      to: { name: quote.signature.name, email: quote.signature.email ?? quote.recipient.email },
      sealedToken: sealed,
    };
    copyWork = workId(copy);
    list.push(copy);
  }

  const notice = NOTICE_BY_TYPE[event.type];
  const firstViewOnly = event.type !== 'quote.viewed' || data.first === true;
  if (notice && firstViewOnly) {
    const found = await repOf(quote, await getDeal(quote.dealId));
    const rep = found?.email ? { name: found.name, email: found.email } : undefined;
    if (rep) {
      list.push({
        ...base,
        mail: 'notice',
        notice,
        to: rep,
        at: event.at,
        ...(text(data.signer) ? { signerName: text(data.signer) } : {}),
        ...(text(data.reason) ? { reason: text(data.reason) } : {}),
        ...(text(data.message) ? { customerMessage: text(data.message) } : {}),
        ...(copyWork ? { copyWork } : {}),
        ...(data.dealMoved === false && (data.dealStatus === 'won' || data.dealStatus === 'lost')
          ? { dealStays: data.dealStatus }
          : {}),
      });
    } else {
      logger.warn('no email known for the deal owner: notice skipped', {
        dealId: quote.dealId,
        type: event.type,
      });
    }
  }
  return list.map((payload) => ({ id: workId(payload), kind: EMAIL_WORK, payload }));
}

/** One delivery per event and email kind: a replayed stream record schedules nothing twice. */
function workId(payload: EmailPayload): string {
  return `${payload.cause}.${mailKind(payload)}`;
}

/** A signed quote could not be sealed and no signed-copy email will try again: the record is retried. */
class UnsealedCopyError extends Error {}

/**
 * What the customer's emails attach, and the seal: the stored PDFs (S3) and the sealed signed copy,
 * built when still missing. Registered by services/email-documents.ts, which only the functions
 * that run the outbox's emails import (notify, deliver): the HTTP functions also load this module
 * (the signer's one-time code is emailed at once) but never attach a document, so they bundle
 * neither the object store's client nor the seal code (@libpdf/core, pkijs, the KMS client).
 */
export interface EmailDocuments {
  /** The quote with its sealed signed copy: built, stored and recorded now unless it already is. */
  seal(signed: Quote): Promise<Quote>;
  /** The stored PDF, as sent. */
  quotePdf(quote: Quote): Promise<Attachment>;
  /** The sealed signed copy (sealed now when still missing). */
  signedCopy(signed: Quote): Promise<Attachment>;
}

let documents: EmailDocuments | undefined;

export function useEmailDocuments(next: EmailDocuments | undefined): void {
  documents = next;
}

function emailDocuments(): EmailDocuments {
  if (!documents) throw new Error('this function attaches no documents (import #services/email-documents)');
  return documents;
}

/**
 * `quote.signed`: the sealed signed copy is built first, before any email is queued, so it exists
 * whatever becomes of the emails (an SES outage leaves them due, not the copy). If it fails, the
 * signed-copy email seals again on each of its tries (24 hours of back-off, then the rep's notice
 * says the copy could not be built); without that email nothing else would, so the stream record
 * fails and is retried (then the dead-letter queue, replayable).
 */
async function sealFirst(event: DealEvent, quote: Quote, deliveries: NewWork<EmailPayload>[]): Promise<void> {
  if (event.type !== 'quote.signed') return;
  try {
    if (isSignedCopyPending(quote)) await emailDocuments().seal(quote);
  } catch (error) {
    const emailSeals = deliveries.some((work) => work.payload.mail === 'signed-copy');
    logger.warn('the signed copy could not be sealed yet', {
      quoteId: quote.id,
      retriedBy: emailSeals ? 'the signed-copy email' : 'the stream',
      error: error as Error,
    });
    if (!emailSeals) throw new UnsealedCopyError(`quote ${quote.id} could not be sealed`, { cause: error });
  }
}

/**
 * Turns an outbox event into its scheduled deliveries (idempotent) and returns their ids, for the
 * caller to try at once. The sealed token leaves the event (the timeline) for the deliveries.
 * Throws only when the table cannot be reached, so the stream record is retried; an event that
 * cannot be understood ends on the timeline as `email.failed` instead of blocking the stream.
 */
export async function planOutboxEvent(
  delivered: DealEvent,
  now = new Date().toISOString(),
): Promise<string[]> {
  // The stream delivers the event as inserted; whether it was planned already is on the item now.
  const current = await getEventItem(delivered.dealId, delivered.id);
  if (!current || current._notifiedAt) return [];
  const event = current as unknown as DealEvent;
  try {
    const quoteId = event.data?.quoteId;
    const quote =
      typeof quoteId === 'string' && quoteId ? await getQuoteAt(event.dealId, quoteId) : undefined;
    if (!quote)
      throw new EmailBuildError(`it names no quote of deal ${event.dealId} (${JSON.stringify(quoteId)})`);
    const deliveries = await deliveriesOf(event, quote);
    await sealFirst(event, quote, deliveries);
    for (const work of deliveries) await scheduleWork(work as unknown as NewWork, now);
    await markOutbox(event.dealId, event.id, { done: true });
    return deliveries.map((w) => w.id);
  } catch (error) {
    if (isServiceFailure(error) || error instanceof UnsealedCopyError) throw error;
    logger.error('outbox event cannot be processed', { eventId: event.id, error: error as Error });
    await addEvent(
      newEvent(
        event.dealId,
        'email.failed',
        {
          ...(typeof event.data?.quoteId === 'string' ? { quoteId: event.data.quoteId } : {}),
          cause: event.id,
          causeType: String(event.type),
          attempts: 1,
          permanent: true,
          reason: `this event could not be processed: ${(error as Error).message ?? String(error)}`.slice(
            0,
            300,
          ),
        },
        notifyActor,
        { now: new Date().toISOString(), newId },
      ),
    ).catch((failure: unknown) => {
      if (isServiceFailure(failure)) throw failure;
      logger.error('the failure could not be put on a timeline', {
        eventId: event.id,
        error: failure as Error,
      });
    });
    await markOutbox(event.dealId, event.id, { done: true });
    return [];
  }
}

/** Plans an outbox event and tries its deliveries at once (those that fail wait for the `deliver` job). */
export async function processOutboxEvent(event: DealEvent): Promise<void> {
  const ids = await planOutboxEvent(event);
  if (ids.length > 0) await runWorkItems(ids);
}

async function build(
  payload: EmailPayload,
  quote: Quote,
): Promise<{ subject: string; html: string; text: string; attachments?: Attachment[] }> {
  const view = viewOf(quote);
  const link = async () => {
    if (!payload.sealedToken) throw new EmailBuildError('the link of this email is no longer kept');
    return quoteUrl(unsealToken(payload.sealedToken, await linkKey()));
  };
  if (payload.mail === 'quote') {
    const email = renderQuoteEmail(view, {
      url: await link(),
      ...(payload.subject ? { subject: payload.subject } : {}),
      ...(payload.message ? { message: payload.message } : {}),
    });
    return { ...email, attachments: [await emailDocuments().quotePdf(quote)] };
  }
  if (payload.mail === 'reminder') {
    return renderReminderEmail(view, {
      url: await link(),
      kind: payload.reminder ?? 'manual',
      ...(payload.message ? { message: payload.message } : {}),
    });
  }
  if (payload.mail === 'code') {
    if (!payload.sealedCode) throw new EmailBuildError('the code of this email is no longer kept');
    return renderCodeEmail(view, {
      code: unsealToken(payload.sealedCode, await linkKey()),
      minutes: CODE_MINUTES,
    });
  }
  if (payload.mail === 'signed-copy') {
    const signature = quote.signature;
    if (!signature) throw new EmailBuildError(`quote ${quote.id} is not signed`);
    const email = renderSignedCopyEmail(view, {
      url: `${await link()}/pdf`,
      signerName: signature.name,
      signedAt: signature.at,
    });
    // Sealed when the event was planned; if that failed, sealed now (each retry, deliver's too).
    return { ...email, attachments: [await emailDocuments().signedCopy(quote)] };
  }
  const copy = payload.copyWork ? await getWork(payload.copyWork) : undefined;
  return renderRepNotice(view, {
    kind: payload.notice ?? 'viewed',
    at: payload.at ?? new Date().toISOString(),
    url: repUrl(quote.dealId),
    ...(payload.signerName ? { signerName: payload.signerName } : {}),
    ...(payload.reason ? { reason: payload.reason } : {}),
    ...(payload.customerMessage ? { message: payload.customerMessage } : {}),
    ...(payload.failedTo ? { failedTo: payload.failedTo } : {}),
    ...(copy?.status === 'failed' && copy.result?.buildFailed ? { copyNotBuilt: true } : {}),
    ...(payload.dealStays ? { dealStays: payload.dealStays } : {}),
  });
}

const notifyActor = systemActor('notify');

defineWorkKind(EMAIL_WORK, {
  forget: ['sealedToken', 'sealedCode'],
  async run(work, now) {
    const payload = work.payload as unknown as EmailPayload;
    const quote = await getQuoteAt(payload.dealId, payload.quoteId);
    if (!quote) throw new EmailBuildError(`quote ${payload.quoteId} no longer exists`);
    let content: Awaited<ReturnType<typeof build>>;
    try {
      content = await build(payload, quote);
    } catch (error) {
      if (isServiceFailure(error)) throw error;
      throw new EmailBuildError(
        `the email could not be built: ${(error as Error).message ?? String(error)}`,
        {
          cause: error,
        },
      );
    }
    const from = {
      name: quote.seller?.name ?? viewOf(quote).seller.name,
      email: getStringFromEnv('SENDER_EMAIL'),
    };
    const messageId = await sendMail({ from, to: [payload.to], ...content });
    countEmail('sent');
    return {
      result: { messageId },
      events: [
        newEvent(
          payload.dealId,
          'email.sent',
          {
            kind: mailKind(payload),
            to: payload.to.email,
            quoteId: quote.id,
            number: quote.number,
            messageId,
            cause: payload.cause,
          },
          notifyActor,
          { now, newId },
        ),
      ],
    };
  },
  async failed(work, failure, now) {
    const payload = work.payload as unknown as EmailPayload;
    const quote = await getQuoteAt(payload.dealId, payload.quoteId);
    const buildFailed = failure.error instanceof EmailBuildError;
    countEmail('failed');
    const events = [
      newEvent(
        payload.dealId,
        'email.failed',
        {
          kind: mailKind(payload),
          to: payload.to.email,
          quoteId: payload.quoteId,
          ...(quote ? { number: quote.number } : {}),
          cause: payload.cause,
          causeType: payload.causeType,
          attempts: work.attempts,
          permanent: failure.permanent,
          reason: failure.reason.slice(0, 300),
        },
        notifyActor,
        { now, newId },
      ),
    ];
    // The rep hears of a customer email that did not go out; the signed notice already says when
    // the signed copy could not be built.
    const toCustomer = payload.mail !== 'notice';
    const covered = payload.mail === 'signed-copy' && buildFailed;
    const owner =
      quote && toCustomer && !covered ? await repOf(quote, await getDeal(quote.dealId)) : undefined;
    const rep = owner?.email ? { name: owner.name, email: owner.email } : undefined;
    const follow: NewWork[] = [];
    if (rep) {
      const notice: EmailPayload = {
        mail: 'notice',
        notice: 'email_failed',
        dealId: payload.dealId,
        quoteId: payload.quoteId,
        cause: payload.cause,
        causeType: payload.causeType,
        to: rep,
        at: now,
        failedTo: payload.to.email,
        reason: failure.permanent
          ? failure.reason.replace(/^\w+Error: /, '')
          : 'no answer from the mail service for 24 hours',
      };
      follow.push({
        id: `${work.id}.notice-email_failed`,
        kind: EMAIL_WORK,
        payload: { ...notice } as Record<string, unknown>,
      });
    }
    return { events, follow, result: { buildFailed } };
  },
});

export { isOutboxEvent, OUTBOX_TYPES };
