import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#domain/errors';
import type { Pipeline } from '#schemas/pipelines';
import { db, table } from './client.ts';
import { put, transact } from './items.ts';
import { INDEXES, keys } from './keys.ts';
import { getRecord, recordItem } from './records.ts';

/**
 * The default pipeline is created on first use, race-free: the settings item that names it is
 * written in the same transaction, on the condition that it does not exist yet.
 */
export async function getDefaultPipelineId(create: () => Pipeline): Promise<string> {
  const read = async () =>
    (await db.send(new GetCommand({ TableName: table(), Key: keys.settings(), ConsistentRead: true }))).Item;
  const settings = await read();
  if (settings?.defaultPipelineId) return String(settings.defaultPipelineId);
  const pipeline = create();
  const result = await transact([
    put(
      { ...keys.settings(), entity: 'Settings', defaultPipelineId: pipeline.id },
      { expression: 'attribute_not_exists(PK)' },
    ),
    put(recordItem('Pipeline', pipeline)),
  ]);
  if (result.ok) return pipeline.id;
  const winner = await read();
  if (!winner?.defaultPipelineId) throw new Error('default pipeline settings vanished');
  return String(winner.defaultPipelineId);
}

export function getPipeline(id: string): Promise<Pipeline> {
  return getRecord<Pipeline>('Pipeline', id);
}

export async function putPipeline(pipeline: Pipeline, expectedVersion?: number): Promise<void> {
  const result = await transact([
    put(
      recordItem('Pipeline', pipeline),
      expectedVersion === undefined
        ? { expression: 'attribute_not_exists(PK)' }
        : {
            expression: 'attribute_exists(PK) AND #v = :v',
            names: { '#v': 'version' },
            values: { ':v': expectedVersion },
          },
    ),
  ]);
  if (!result.ok) {
    if (expectedVersion === undefined) throw new Error(`duplicate pipeline id ${pipeline.id}`);
    throw new ConflictError('the pipeline changed while you edited it: reload and try again');
  }
}

/** Whether any deal sits in a stage (one key query, at most one item read). */
export async function stageHasDeals(pipelineId: string, stageId: string): Promise<boolean> {
  const out = await db.send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'byStage',
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': INDEXES.byStage.partition },
      ExpressionAttributeValues: { ':pk': keys.stagePartition(pipelineId, stageId) },
      Limit: 1,
    }),
  );
  return (out.Items?.length ?? 0) > 0;
}
