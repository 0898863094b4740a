import { ConflictError } from '#domain/errors';
import { buildPipelineDefinition, defaultPipelineInput } from '#domain/pipelines';
import { getTemplate } from '#render/templates';
import type { Pipeline, PipelineInput } from '#schemas/pipelines';
import { getDefaultPipelineId, getPipeline, putPipeline, stageHasDeals } from '#store/pipelines';
import { listRecords, type Page } from '#store/records';
import { systemClock } from './clock.ts';

/** A pipeline may name the template of its quotes: it must exist (422 otherwise). */
function checkTemplate(input: PipelineInput): void {
  if (input.quoteTemplateId) getTemplate(input.quoteTemplateId);
}

function newPipeline(input: PipelineInput, isDefault: boolean): Pipeline {
  const { now, newId } = systemClock();
  return {
    id: newId(),
    ...buildPipelineDefinition(input),
    isDefault,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

/** The default pipeline's id, creating the pipeline of the brief on first use. */
export function defaultPipelineId(): Promise<string> {
  return getDefaultPipelineId(() => newPipeline(defaultPipelineInput(), true));
}

export async function listPipelines(cursor: string | undefined, limit: number): Promise<Page<Pipeline>> {
  await defaultPipelineId();
  return listRecords<Pipeline>('Pipeline', cursor, limit);
}

export async function createPipeline(input: PipelineInput): Promise<Pipeline> {
  checkTemplate(input);
  const pipeline = newPipeline(input, false);
  await putPipeline(pipeline);
  return pipeline;
}

/**
 * Replaces a pipeline's definition. Stages keep their ids (deals point at them); a stage that
 * still holds deals cannot be removed. Deals keep their probability until they next move.
 */
export async function updatePipeline(id: string, input: PipelineInput): Promise<Pipeline> {
  const current = await getPipeline(id);
  checkTemplate(input);
  const definition = buildPipelineDefinition(input);
  const kept = new Set(definition.stages.map((s) => s.id));
  for (const stage of current.stages.filter((s) => !kept.has(s.id))) {
    if (await stageHasDeals(id, stage.id)) {
      throw new ConflictError(`stage "${stage.id}" still holds deals: move them before removing it`, {
        stageId: stage.id,
      });
    }
  }
  const next: Pipeline = {
    ...current,
    ...definition,
    version: current.version + 1,
    updatedAt: systemClock().now,
  };
  if (!definition.onQuoteSent) delete next.onQuoteSent;
  if (!definition.onQuoteExpired) delete next.onQuoteExpired;
  if (!definition.quoteTemplateId) delete next.quoteTemplateId;
  await putPipeline(next, current.version);
  return next;
}

export { getPipeline };
