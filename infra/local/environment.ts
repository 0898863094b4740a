/**
 * What the handlers read from their environment, as the CDK stack sets it in the cloud, pointed
 * at the local services. Shared by `npm start` and the benchmarks.
 */
export interface LocalEnvironment {
  dynamoEndpoint: string;
  sesEndpoint: string;
  tableName: string;
  publicBaseUrl: string;
  senderEmail: string;
  linkKey: string;
}

export function applyLocalEnvironment(env: LocalEnvironment): void {
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: env.dynamoEndpoint,
    TABLE_NAME: env.tableName,
    SES_ENDPOINT: env.sesEndpoint,
    // Dummy credentials on purpose: nothing started here may reach a real AWS account.
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    PUBLIC_BASE_URL: env.publicBaseUrl,
    SENDER_EMAIL: env.senderEmail,
    LINK_KEY: env.linkKey,
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}
