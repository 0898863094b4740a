import type { Contract } from '#http/operation';
import { IdParams, ListQuery, page } from '#schemas/common';
import {
  Webhook,
  WebhookDelivery,
  WebhookDeliveryParams,
  WebhookInput,
  WebhookPatch,
  WebhookWithSecret,
} from '#schemas/webhooks';

/** Webhook endpoints: managers only (a rep gets 403 on every route). */
const tags = ['webhooks'];

/** The contracts of the webhooks routes of `api`: loaded on the first request to one of them. */
export const webhooksContracts = {
  createWebhook: {
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
  listWebhooks: {
    summary: 'The webhook endpoints (never their secrets)',
    tags,
    managersOnly: true,
    query: ListQuery,
    response: page(Webhook),
    errors: [403],
  },
  getWebhook: {
    summary: 'A webhook endpoint (never its secret)',
    tags,
    managersOnly: true,
    params: IdParams,
    response: Webhook,
    errors: [403, 404],
  },
  updateWebhook: {
    summary: 'Change a webhook endpoint: URL, events, description, or active (true enables it again)',
    tags,
    managersOnly: true,
    params: IdParams,
    body: WebhookPatch,
    response: Webhook,
    errors: [403, 404],
  },
  deleteWebhook: {
    summary: 'Delete a webhook endpoint (answers it as it was; its pending deliveries end as failed)',
    tags,
    managersOnly: true,
    params: IdParams,
    response: Webhook,
    errors: [403, 404],
  },
  rotateWebhookSecret: {
    summary: 'A new signing secret (shown this once); the old one still signs deliveries for 24 hours',
    tags,
    managersOnly: true,
    params: IdParams,
    response: WebhookWithSecret,
    errors: [403, 404],
  },
  listWebhookDeliveries: {
    summary: "A webhook endpoint's deliveries, newest first: status, attempts, last response code",
    tags,
    managersOnly: true,
    params: IdParams,
    query: ListQuery,
    response: page(WebhookDelivery),
    errors: [403, 404],
  },
  redeliverWebhook: {
    summary: 'Send a finished delivery again (same delivery id and body; the deliver job sends it)',
    tags,
    managersOnly: true,
    params: WebhookDeliveryParams,
    status: 202,
    response: WebhookDelivery,
    errors: [403, 404, 409],
  },
} as const satisfies Record<string, Contract>;
