import { defineOperation } from '#http/operation';
import { json } from '#http/response';
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

/** Built on the first request to one of these routes (see `Contracts`). */
const contracts = () => import('./contracts/webhooks.ts').then((m) => m.webhooksContracts);

/** Webhook endpoints: managers only (a rep gets 403 on every route). */
const _tags = ['webhooks'];

export const createWebhook = defineOperation(contracts, 'createWebhook', async ({ body, user }) =>
  json(201, await create(body, user)),
);

export const listWebhooks = defineOperation(contracts, 'listWebhooks', async ({ query }) =>
  json(200, await listWebhookViews(query)),
);

export const getWebhook = defineOperation(contracts, 'getWebhook', async ({ params }) =>
  json(200, await getWebhookView(params.id)),
);

export const updateWebhook = defineOperation(contracts, 'updateWebhook', async ({ params, body }) =>
  json(200, await patchWebhook(params.id, body)),
);

export const deleteWebhook = defineOperation(contracts, 'deleteWebhook', async ({ params }) =>
  json(200, await removeWebhook(params.id)),
);

export const rotateWebhookSecret = defineOperation(contracts, 'rotateWebhookSecret', async ({ params }) =>
  json(200, await rotate(params.id)),
);

export const listWebhookDeliveries = defineOperation(
  contracts,
  'listWebhookDeliveries',
  async ({ params, query }) => json(200, await listDeliveries(params.id, query)),
);

export const redeliverWebhook = defineOperation(contracts, 'redeliverWebhook', async ({ params }) =>
  json(202, await redeliver(params.id, params.deliveryId)),
);
