import { defineOperation } from '#http/operation';
import { json } from '#http/response';
import { IdParams, ListQuery, page } from '#schemas/common';
import { Pipeline, PipelineInput } from '#schemas/pipelines';
import {
  createPipeline as create,
  getPipeline as get,
  listPipelines as list,
  updatePipeline as update,
} from '#services/pipelines';

export const listPipelines = defineOperation(
  {
    summary: 'List pipelines (the default one is created on first use)',
    tags: ['pipelines'],
    query: ListQuery,
    response: page(Pipeline),
  },
  async ({ query }) => json(200, await list(query.cursor, query.limit ?? 50)),
);

export const createPipeline = defineOperation(
  {
    summary: 'Create a pipeline (managers)',
    tags: ['pipelines'],
    body: PipelineInput,
    status: 201,
    response: Pipeline,
    managersOnly: true,
    errors: [403],
  },
  async ({ body }) => json(201, await create(body)),
);

export const getPipeline = defineOperation(
  { summary: 'Get a pipeline', tags: ['pipelines'], params: IdParams, response: Pipeline, errors: [404] },
  async ({ params }) => json(200, await get(params.id)),
);

export const updatePipeline = defineOperation(
  {
    summary:
      'Replace a pipeline definition: stages (order, name, probability, kind), custom fields, quote hooks (managers)',
    description: 'Stages keep their ids; removing a stage that still holds deals answers 409.',
    tags: ['pipelines'],
    params: IdParams,
    body: PipelineInput,
    response: Pipeline,
    managersOnly: true,
    errors: [403, 404, 409],
  },
  async ({ params, body }) => json(200, await update(params.id, body)),
);
