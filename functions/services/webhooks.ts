import { getStringFromEnv } from '#config/env';
import { linkKey } from '#config/link-key';
import { logger } from '#config/logger';
import type { User } from '#contracts/actor';
import { ConflictError, NotFoundError, ValidationError } from '#domain/errors';
import { sealToken, unsealToken } from '#domain/tokens';
import {
  DELIVERY_HEADER,
  EVENT_TYPE_HEADER,
  newWebhookSecret,
  SIGNATURE_HEADER,
  signatureHeader,
  UnsafeUrlError,
  type WebhookBody,
  wantsEvent,
  webhookBody,
} from '#domain/webhooks';
import { sendMail } from '#mail/ses';
import { checkDestination, OutboundStatusError, safePost } from '#outbound/http';
import { renderWebhookDisabledNotice } from '#render/email';
import type { DealEvent } from '#schemas/deals';
import { decodeCursor, encodeCursor } from '#store/cursor';
import {
  deleteWebhook,
  disableWebhook,
  getWebhook,
  listWebhooks,
  markWebhookFailing,
  markWebhookHealthy,
  putWebhook,
  updateWebhook,
  type WebhookRecord,
} from '#store/webhooks';
import { getWork, listWorkLog, type NewWork, requeueWork, scheduleWork, type WorkItem } from '#store/work';
import { newId } from './clock.ts';
import { countWebhook } from './metrics.ts';
import { defineWorkKind, runWork, runWorkItems } from './work.ts';

/**
 * Webhooks: managers register endpoints; every event of the log an endpoint wants becomes one
 * delivery on the delivery schedule (services/work.ts: the same claims, back-off and 24 h window as
 * emails), planned by `notify` from the table stream and tried at once, retried by `deliver`. Each
 * delivery is a signed POST through the SSRF-safe client (functions/outbound). An endpoint whose
 * tries keep failing for 24 hours is disabled and its owner emailed.
 */

export const WEBHOOK_WORK = 'webhook';
export const WEBHOOK_NOTICE_WORK = 'webhook-disabled-notice';

/** Endpoints per deployment: every event reads them all (one query). */
export const MAX_WEBHOOKS = 50;
const DAY_MS = 24 * 60 * 60 * 1000;
/** A rotated secret still signs deliveries this long, so receivers can switch without losing any. */
const ROTATION_OVERLAP_MS = DAY_MS;
/** An endpoint failing this long (every try since the first failure) is disabled. */
const DISABLE_AFTER_MS = DAY_MS;

/** The local-only test setting (`WEBHOOKS_ALLOW_LOCAL_HTTP=true`): http://127.0.0.1 is let through. */
function outboundOptions() {
  return { allowLocalHttp: process.env.WEBHOOKS_ALLOW_LOCAL_HTTP === 'true' };
}

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  description?: string;
  ownerId: string;
  createdAt: string;
  updatedAt: string;
  failingSince?: string;
  disabledAt?: string;
  disabledReason?: string;
  previousSecretUntil?: string;
}

/** What the API shows of an endpoint: never its secret (sealed or not), never its owner's email. */
function viewOf(record: WebhookRecord, now = new Date().toISOString()): WebhookView {
  return {
    id: record.id,
    url: record.url,
    events: record.events,
    active: record.active,
    ...(record.description ? { description: record.description } : {}),
    ownerId: record.ownerId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.failingSince ? { failingSince: record.failingSince } : {}),
    ...(record.disabledAt ? { disabledAt: record.disabledAt } : {}),
    ...(record.disabledReason ? { disabledReason: record.disabledReason } : {}),
    ...(record.previousSecretUntil && record.previousSecretUntil > now
      ? { previousSecretUntil: record.previousSecretUntil }
      : {}),
  };
}

async function checkUrl(url: string): Promise<void> {
  try {
    await checkDestination(url, outboundOptions());
  } catch (error) {
    if (error instanceof UnsafeUrlError)
      throw new ValidationError(`the webhook URL is refused: it ${error.message}`, [
        { path: ['url'], message: error.message },
      ]);
    throw error;
  }
}

async function found(id: string): Promise<WebhookRecord> {
  const record = await getWebhook(id);
  if (!record) throw new NotFoundError(`no webhook ${id}`);
  return record;
}

export async function createWebhook(
  input: { url: string; events: string[]; active?: boolean; description?: string },
  user: User,
): Promise<WebhookView & { secret: string }> {
  await checkUrl(input.url);
  const existing = await listWebhooks(MAX_WEBHOOKS);
  if (existing.items.length >= MAX_WEBHOOKS)
    throw new ConflictError(`at most ${MAX_WEBHOOKS} webhook endpoints: delete one first`);
  const now = new Date().toISOString();
  const secret = newWebhookSecret();
  const record: WebhookRecord = {
    id: newId(),
    url: input.url,
    events: [...new Set(input.events)],
    active: input.active ?? true,
    ...(input.description ? { description: input.description } : {}),
    ownerId: user.id,
    ...(user.email ? { ownerEmail: user.email } : {}),
    ...(user.name ? { ownerName: user.name } : {}),
    sealedSecret: sealToken(secret, await linkKey()),
    createdAt: now,
    updatedAt: now,
  };
  await putWebhook(record);
  return { ...viewOf(record, now), secret };
}

export async function listWebhookViews(query: {
  cursor?: string;
  limit?: number;
}): Promise<{ items: WebhookView[]; nextCursor?: string }> {
  const page = await listWebhooks(query.limit ?? 50, decodeCursor(query.cursor));
  return {
    items: page.items.map((r) => viewOf(r)),
    ...(page.last ? { nextCursor: encodeCursor(page.last) } : {}),
  };
}

export async function getWebhookView(id: string): Promise<WebhookView> {
  return viewOf(await found(id));
}

export async function patchWebhook(
  id: string,
  patch: { url?: string; events?: string[]; active?: boolean; description?: string | null },
): Promise<WebhookView> {
  await found(id);
  if (patch.url !== undefined) await checkUrl(patch.url);
  const now = new Date().toISOString();
  const changes: Parameters<typeof updateWebhook>[1] = {
    url: patch.url,
    events: patch.events && [...new Set(patch.events)],
    description: patch.description,
    active: patch.active,
    // Enabling again starts afresh: the old run of failures no longer counts towards disabling it.
    ...(patch.active === true ? { failingSince: null, disabledAt: null, disabledReason: null } : {}),
  };
  const updated = await updateWebhook(id, changes, now);
  if (!updated) throw new NotFoundError(`no webhook ${id}`);
  return viewOf(updated, now);
}

/** Deletes an endpoint; deliveries still pending for it end as failed ("the endpoint was deleted"). */
export async function removeWebhook(id: string): Promise<WebhookView> {
  const record = await found(id);
  if (!(await deleteWebhook(id))) throw new NotFoundError(`no webhook ${id}`);
  return viewOf(record);
}

/**
 * A new signing secret, shown this once. The old one keeps signing deliveries (a second `v1`) for
 * 24 hours, so receivers switch without refusing anything.
 */
export async function rotateWebhookSecret(id: string): Promise<WebhookView & { secret: string }> {
  const record = await found(id);
  const now = new Date();
  const secret = newWebhookSecret();
  const updated = await updateWebhook(
    id,
    {
      sealedSecret: sealToken(secret, await linkKey()),
      previousSealedSecret: record.sealedSecret,
      previousSecretUntil: new Date(now.getTime() + ROTATION_OVERLAP_MS).toISOString(),
    },
    now.toISOString(),
  );
  if (!updated) throw new NotFoundError(`no webhook ${id}`);
  return { ...viewOf(updated, now.toISOString()), secret };
}

export interface WebhookPayload {
  endpointId: string;
  body: WebhookBody;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  type: string;
  dealId: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastResponseCode?: number;
  lastResponseBody?: string;
  lastError?: string;
  createdAt: string;
  nextAttemptAt?: string;
  finishedAt?: string;
}

function deliveryOf(work: WorkItem): DeliveryView {
  const payload = work.payload as unknown as WebhookPayload;
  const status = typeof work.result?.status === 'number' ? work.result.status : undefined;
  const body = typeof work.result?.body === 'string' ? work.result.body : undefined;
  return {
    id: work.id,
    eventId: payload.body.id,
    type: payload.body.type,
    dealId: String(payload.body.data.dealId),
    status: work.status === 'done' ? 'delivered' : work.status,
    attempts: work.attempts,
    ...(status !== undefined ? { lastResponseCode: status } : {}),
    ...(body ? { lastResponseBody: body } : {}),
    ...(work.lastError && work.status !== 'done' ? { lastError: work.lastError } : {}),
    createdAt: work.createdAt,
    ...(work.status === 'pending' && work.nextAttemptAt ? { nextAttemptAt: work.nextAttemptAt } : {}),
    ...(work.finishedAt ? { finishedAt: work.finishedAt } : {}),
  };
}

/** The endpoint's deliveries, newest first (kept 30 days after they finish). */
export async function listDeliveries(
  id: string,
  query: { cursor?: string; limit?: number },
): Promise<{ items: DeliveryView[]; nextCursor?: string }> {
  await found(id);
  const page = await listWorkLog(id, query.limit ?? 50, decodeCursor(query.cursor));
  return {
    items: page.items.map(deliveryOf),
    ...(page.last ? { nextCursor: encodeCursor(page.last) } : {}),
  };
}

/**
 * Sends a finished delivery again (same delivery id, same body, a new 24 h window), from the
 * schedule: `deliver` picks it up on its next run. 409 while it is still pending or the endpoint
 * is disabled.
 */
export async function redeliver(id: string, deliveryId: string): Promise<DeliveryView> {
  const endpoint = await found(id);
  const work = await getWork(deliveryId);
  if (!work || work.kind !== WEBHOOK_WORK || work.log !== id)
    throw new NotFoundError(`no delivery ${deliveryId} for webhook ${id}`);
  if (!endpoint.active) throw new ConflictError('this endpoint is disabled: enable it first (active: true)');
  if (!(await requeueWork(deliveryId, new Date().toISOString())))
    throw new ConflictError('this delivery is still pending: it will be tried again by itself');
  const requeued = await getWork(deliveryId);
  return deliveryOf(requeued ?? work);
}

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
