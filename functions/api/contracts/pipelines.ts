import type { Contract } from '#http/operation';
import { IdParams, ListQuery, page } from '#schemas/common';
import { Pipeline, PipelineInput } from '#schemas/pipelines';

/** The contracts of the pipelines routes of `api`: loaded on the first request to one of them. */
export const pipelinesContracts = {
  listPipelines: {
    summary: 'List pipelines (the default one is created on first use)',
    tags: ['pipelines'],
    query: ListQuery,
    response: page(Pipeline),
  },
  createPipeline: {
    summary: 'Create a pipeline (managers)',
    tags: ['pipelines'],
    body: PipelineInput,
    status: 201,
    response: Pipeline,
    managersOnly: true,
    errors: [403],
  },
  getPipeline: {
    summary: 'Get a pipeline',
    tags: ['pipelines'],
    params: IdParams,
    response: Pipeline,
    errors: [404],
  },
  updatePipeline: {
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
} as const satisfies Record<string, Contract>;
