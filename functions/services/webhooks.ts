import { getStringFromEnv } from '#config/env';
import { linkKey } from '#config/link-key';
import { logger } from '#config/logger';
import { unsealToken } from '#domain/tokens';
import {
  DELIVERY_HEADER,
  EVENT_TYPE_HEADER,
  SIGNATURE_HEADER,
  signatureHeader,
  UnsafeUrlError,
  wantsEvent,
  webhookBody,
} from '#domain/webhooks';
import { sendMail } from '#mail/ses';
import { OutboundStatusError, safePost } from '#outbound/http';
import { renderWebhookDisabledNotice } from '#render/email';
import type { DealEvent } from '#schemas/deals';
import {
  disableWebhook,
  getWebhook,
  listWebhooks,
  markWebhookFailing,
  markWebhookHealthy,
  type WebhookRecord,
} from '#store/webhooks';
import { type NewWork, scheduleWork } from '#store/work';
import { countWebhook } from './metrics.ts';
import {
  DAY_MS,
  MAX_WEBHOOKS,
  outboundOptions,
  WEBHOOK_WORK,
  type WebhookPayload,
} from './webhook-endpoints.ts';
import { defineWorkKind, runWork, runWorkItems } from './work.ts';

/**
 * Webhook deliveries: every event of the log an endpoint wants becomes one delivery on the delivery
 * schedule (services/work.ts: the same claims, back-off and 24 h window as emails), planned by
 * `notify` from the table stream and tried at once, retried by `deliver`. Each delivery is a signed
 * POST through the SSRF-safe client (functions/outbound). An endpoint whose tries keep failing for
 * 24 hours is disabled and its owner emailed. The endpoints themselves (the API's side) are in
 * webhook-endpoints.ts.
 */

export const WEBHOOK_NOTICE_WORK = 'webhook-disabled-notice';
/** An endpoint failing this long (every try since the first failure) is disabled. */
const DISABLE_AFTER_MS = DAY_MS;

/**
 * The deliveries an event calls for: one per active endpoint that wants its type, each with an id
 * made of the event's and the endpoint's (a replayed stream record schedules nothing twice).
 * Returns the ones to try at once: endpoints that are not failing (a failing one waits for the
 * schedule, so it cannot slow the stream down).
 */
export async function planWebhookDeliveries(
  event: DealEvent,
  now = new Date().toISOString(),
): Promise<{ id: string; kind: string }[]> {
  const endpoints = (await listWebhooks(MAX_WEBHOOKS)).items.filter(
    (e) => e.active && wantsEvent(e.events, event.type),
  );
  const body = webhookBody(event);
  const tryNow: { id: string; kind: string }[] = [];
  for (const endpoint of endpoints) {
    const work: NewWork<WebhookPayload> = {
      id: `wh.${event.id}.${endpoint.id}`,
      kind: WEBHOOK_WORK,
      payload: { endpointId: endpoint.id, body },
      log: endpoint.id,
    };
    const added = await scheduleWork(work as unknown as NewWork, now);
    if (added && !endpoint.failingSince) tryNow.push({ id: work.id, kind: WEBHOOK_WORK });
  }
  return tryNow;
}

/** Plans an event's webhook deliveries and tries them at once until `stopAt` (the rest wait for `deliver`). */
export async function processWebhookEvent(event: DealEvent, stopAt?: number): Promise<void> {
  const ids = await planWebhookDeliveries(event);
  if (ids.length > 0) await runWorkItems(ids, stopAt ? { stopAt } : {});
}

/** The endpoint is gone or switched off: the delivery fails at once, it is never retried. */
export class WebhookEndpointGoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookEndpointGoneError';
  }
}

/** A failed try: the endpoint's run of failures goes on; after 24 h of it, the endpoint is disabled. */
async function recordFailure(endpoint: WebhookRecord, reason: string, now: string): Promise<void> {
  const record = await markWebhookFailing(endpoint.id, now);
  if (!record?.failingSince || Date.parse(now) - Date.parse(record.failingSince) < DISABLE_AFTER_MS) return;
  const disabledReason = `every delivery failed since ${record.failingSince}: ${reason}`.slice(0, 500);
  if (!(await disableWebhook(endpoint.id, now, disabledReason))) return;
  countWebhook('disabled');
  logger.warn('webhook endpoint disabled after 24 hours of failures', { webhookId: endpoint.id });
  if (!endpoint.ownerEmail) {
    logger.warn('no email known for the webhook owner: notice skipped', { webhookId: endpoint.id });
    return;
  }
  const notice: NewWork = {
    id: `whoff.${endpoint.id}.${now}`,
    kind: WEBHOOK_NOTICE_WORK,
    payload: {
      to: { email: endpoint.ownerEmail, ...(endpoint.ownerName ? { name: endpoint.ownerName } : {}) },
      endpointId: endpoint.id,
      endpointUrl: endpoint.url,
      failingSince: record.failingSince,
      lastError: reason.slice(0, 300),
    },
  };
  if (await scheduleWork(notice, now)) await runWork(notice.id, { now });
}

function describe(error: unknown): string {
  if (error instanceof OutboundStatusError) return `the endpoint answered ${error.status}`;
  const e = error as { name?: string; code?: string; message?: string };
  return `${e.name ?? 'Error'}${e.code ? ` ${e.code}` : ''}: ${e.message ?? String(error)}`.slice(0, 300);
}

defineWorkKind(WEBHOOK_WORK, {
  sharesOutages: false,
  async run(work, now) {
    const payload = work.payload as unknown as WebhookPayload;
    const endpoint = await getWebhook(payload.endpointId);
    if (!endpoint) throw new WebhookEndpointGoneError('the endpoint was deleted');
    if (!endpoint.active) throw new WebhookEndpointGoneError('the endpoint is disabled');
    const key = await linkKey();
    const secrets = [unsealToken(endpoint.sealedSecret, key)];
    if (endpoint.previousSealedSecret && endpoint.previousSecretUntil && endpoint.previousSecretUntil > now)
      secrets.push(unsealToken(endpoint.previousSealedSecret, key));
    const raw = JSON.stringify(payload.body);
    // The signature's time is the real clock's, which the receiver compares with its own.
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const answer = await safePost(
        endpoint.url,
        raw,
        {
          'content-type': 'application/json',
          'user-agent': 'Closer-Webhooks/1.0',
          [SIGNATURE_HEADER]: signatureHeader(secrets, timestamp, raw),
          [DELIVERY_HEADER]: work.id,
          [EVENT_TYPE_HEADER]: payload.body.type,
        },
        outboundOptions(),
      );
      if (endpoint.failingSince) await markWebhookHealthy(endpoint.id);
      countWebhook('delivered');
      return { result: { status: answer.status, body: answer.body } };
    } catch (error) {
      await recordFailure(endpoint, describe(error), now);
      // Any failure to reach the receiver (refused, reset, TLS, a non-2xx) can pass: retried for
      // 24 h. Only an address the rules refuse fails at once.
      if (!(error instanceof UnsafeUrlError) && typeof error === 'object' && error !== null)
        Object.assign(error, { $retryable: true });
      throw error;
    }
  },
  failureResult(error) {
    return error instanceof OutboundStatusError ? { status: error.status, body: error.body } : {};
  },
  async failed() {
    countWebhook('failed');
    return {};
  },
});

defineWorkKind(WEBHOOK_NOTICE_WORK, {
  async run(work) {
    const payload = work.payload as {
      to: { email: string; name?: string };
      endpointId: string;
      endpointUrl: string;
      failingSince: string;
      lastError: string;
    };
    const content = renderWebhookDisabledNotice(payload);
    const messageId = await sendMail({
      from: { name: 'Closer', email: getStringFromEnv('SENDER_EMAIL') },
      to: [payload.to],
      ...content,
    });
    return { result: { messageId } };
  },
  async failed(work, failure) {
    logger.error('the webhook-disabled notice could not be emailed', {
      workId: work.id,
      reason: failure.reason,
    });
    return {};
  },
});
