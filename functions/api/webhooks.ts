import { defineOperation } from '#http/operation';
import { json } from '#http/response';
import { IdParams, ListQuery, page } from '#schemas/common';
import {
  Webhook,
  WebhookDelivery,
  WebhookDeliveryParams,
  WebhookInput,
  WebhookPatch,
  WebhookWithSecret,
} from '#schemas/webhooks';
import {
  createWebhook as create,
  getWebhookView,
  listDeliveries,
  listWebhookViews,
  patchWebhook,
  redeliver,
  removeWebhook,
  rotateWebhookSecret as rotate,
} from '#services/webhook-endpoints';

/** Webhook endpoints: managers only (a rep gets 403 on every route). */
const tags = ['webhooks'];

export const createWebhook = defineOperation(
  {
    summary: 'Register a webhook endpoint (the answer holds its signing secret, this once)',
    description:
      'The URL must be https and must not point at a loopback, private, link-local or metadata address (a name is resolved and each of its addresses checked). `events` lists event types (`quote.signed`), families (`quote.*`) or `*`.',
    tags,
    managersOnly: true,
    body: WebhookInput,
    status: 201,
    response: WebhookWithSecret,
    errors: [403, 409],
  },
  async ({ body, user }) => json(201, await create(body, user)),
);

export const listWebhooks = defineOperation(
  {
    summary: 'The webhook endpoints (never their secrets)',
    tags,
    managersOnly: true,
    query: ListQuery,
    response: page(Webhook),
    errors: [403],
  },
  async ({ query }) => json(200, await listWebhookViews(query)),
);

export const getWebhook = defineOperation(
  {
    summary: 'A webhook endpoint (never its secret)',
    tags,
    managersOnly: true,
    params: IdParams,
    response: Webhook,
    errors: [403, 404],
  },
  async ({ params }) => json(200, await getWebhookView(params.id)),
);

export const updateWebhook = defineOperation(
  {
    summary: 'Change a webhook endpoint: URL, events, description, or active (true enables it again)',
    tags,
    managersOnly: true,
    params: IdParams,
    body: WebhookPatch,
    response: Webhook,
    errors: [403, 404],
  },
  async ({ params, body }) => json(200, await patchWebhook(params.id, body)),
);

export const deleteWebhook = defineOperation(
  {
    summary: 'Delete a webhook endpoint (answers it as it was; its pending deliveries end as failed)',
    tags,
    managersOnly: true,
    params: IdParams,
    response: Webhook,
    errors: [403, 404],
  },
  async ({ params }) => json(200, await removeWebhook(params.id)),
);

export const rotateWebhookSecret = defineOperation(
  {
    summary: 'A new signing secret (shown this once); the old one still signs deliveries for 24 hours',
    tags,
    managersOnly: true,
    params: IdParams,
    response: WebhookWithSecret,
    errors: [403, 404],
  },
  async ({ params }) => json(200, await rotate(params.id)),
);

export const listWebhookDeliveries = defineOperation(
  {
    summary: "A webhook endpoint's deliveries, newest first: status, attempts, last response code",
    tags,
    managersOnly: true,
    params: IdParams,
    query: ListQuery,
    response: page(WebhookDelivery),
    errors: [403, 404],
  },
  async ({ params, query }) => json(200, await listDeliveries(params.id, query)),
);

export const redeliverWebhook = defineOperation(
  {
    summary: 'Send a finished delivery again (same delivery id and body; the deliver job sends it)',
    tags,
    managersOnly: true,
    params: WebhookDeliveryParams,
    status: 202,
    response: WebhookDelivery,
    errors: [403, 404, 409],
  },
  async ({ params }) => json(202, await redeliver(params.id, params.deliveryId)),
);
