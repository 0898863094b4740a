import { defineOperation } from '#http/operation';
import { json } from '#http/response';
import {
  createPipeline as create,
  getPipeline as get,
  listPipelines as list,
  updatePipeline as update,
} from '#services/pipelines';

/** Built on the first request to one of these routes (see `Contracts`). */
const contracts = () => import('./contracts/pipelines.ts').then((m) => m.pipelinesContracts);

export const listPipelines = defineOperation(contracts, 'listPipelines', async ({ query }) =>
  json(200, await list(query.cursor, query.limit ?? 50)),
);

export const createPipeline = defineOperation(contracts, 'createPipeline', async ({ body }) =>
  json(201, await create(body)),
);

export const getPipeline = defineOperation(contracts, 'getPipeline', async ({ params }) =>
  json(200, await get(params.id)),
);

export const updatePipeline = defineOperation(contracts, 'updatePipeline', async ({ params, body }) =>
  json(200, await update(params.id, body)),
);
