import type { User } from '#contracts/actor';
import { buildPipelineDefinition, defaultPipelineInput } from '#domain/pipelines';
import type { Pipeline } from '#schemas/pipelines';

/** Fixed values for the pure domain's unit tests: a clock, the default pipeline, two users. */
export const now = '2026-11-23T10:00:00.000Z';

let counter = 0;
export const clock = { now, newId: () => `01JD3M8ZP6V0Q6W9C2R4K5T${String(counter++).padStart(3, '0')}` };

export const pipeline: Pipeline = {
  id: '01JD3M8ZP6V0Q6W9C2R4K5T7XY',
  ...buildPipelineDefinition(defaultPipelineInput()),
  isDefault: true,
  version: 1,
  createdAt: now,
  updatedAt: now,
};

export const alice: User = { id: 'alice', email: 'a@x', name: 'Alice', manager: false };
export const maya: User = { id: 'maya', email: 'm@x', name: 'Maya', manager: true };

/** What createDeal needs besides the input. */
export const dealContext = {
  ...clock,
  user: alice,
  pipeline,
  products: new Map(),
  repeat: false,
  defaultCurrency: 'EUR',
};
