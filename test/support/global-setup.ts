import type { TestProject } from 'vitest/node';
import { ensureTable, startDynamo } from '#infra/local/dynamodb';
import { freePort } from '#infra/local/ports';

/**
 * Starts the real local services once per test run: DynamoDB Local (in memory) with the real key
 * schema. Workers inherit the endpoint through the environment.
 */
export default async function setup(_project: TestProject) {
  const port = await freePort();
  const dynamo = await startDynamo({ port });
  const tableName = 'closer-test';
  await ensureTable(dynamo.endpoint, tableName);
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.TABLE_NAME = tableName;
  process.env.AWS_REGION = 'local';
  return async () => {
    await dynamo.stop();
  };
}
