import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getStringFromEnv } from '#config/env';

/**
 * One DocumentClient per process. `DYNAMODB_ENDPOINT` points it at DynamoDB Local; in Lambda it is
 * unset and the SDK uses the regional endpoint.
 */
function createClient(): DynamoDBDocumentClient {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient(
    endpoint
      ? {
          endpoint,
          region: process.env.AWS_REGION ?? 'local',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {},
  );
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}

export const db = createClient();

let tableName: string | undefined;
/** Read once, on first use, so a missing variable fails the first request loudly. */
export function table(): string {
  tableName ??= getStringFromEnv('TABLE_NAME');
  return tableName;
}
