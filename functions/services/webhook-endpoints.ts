import type * as z from 'zod/mini';
import { linkKey } from '#config/link-key';
import type { User } from '#contracts/actor';
import { ConflictError, NotFoundError, ValidationError } from '#domain/errors';
import { sealToken } from '#domain/tokens';
import { newWebhookSecret, UnsafeUrlError, type WebhookBody } from '#domain/webhooks';
import { checkDestination } from '#outbound/http';
import type { Webhook } from '#schemas/webhooks';
import { decodeCursor, encodeCursor } from '#store/cursor';
import {
  deleteWebhook,
  getWebhook,
  listWebhooks,
  putWebhook,
  updateWebhook,
  type WebhookRecord,
} from '#store/webhooks';
import { getWork, listWorkLog, requeueWork, type WorkItem } from '#store/work';
import { newId } from './clock.ts';

/**
 * Webhook endpoints as managers see them through the API: register, edit, rotate the secret, read
 * the delivery log, redeliver. The deliveries themselves (planned by `notify`, tried by `deliver`,
 * the disabled notice by email) are in webhooks.ts: the `api` bundle loads neither SES nor the
 * email renderer for these routes.
 */

export const WEBHOOK_WORK = 'webhook';

/** Endpoints per deployment: every event reads them all (one query). */
export const MAX_WEBHOOKS = 50;
export const DAY_MS = 24 * 60 * 60 * 1000;
/** A rotated secret still signs deliveries this long, so receivers can switch without losing any. */
const ROTATION_OVERLAP_MS = DAY_MS;

/** The local-only test setting (`WEBHOOKS_ALLOW_LOCAL_HTTP=true`): http://127.0.0.1 is let through. */
export function outboundOptions() {
  return { allowLocalHttp: process.env.WEBHOOKS_ALLOW_LOCAL_HTTP === 'true' };
}

/** What the API shows of an endpoint: the `Webhook` schema of the routes. */
export type WebhookView = z.output<typeof Webhook>;

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
