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
  /** The S3 emulator and its documents bucket (the stored PDFs). */
  s3Endpoint: string;
  documentsBucket: string;
  /** Where the local seal's key and self-signed certificate are (see infra/local/evidence.ts). */
  sealDir: string;
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
    S3_ENDPOINT: env.s3Endpoint,
    DOCUMENTS_BUCKET: env.documentsBucket,
    SEAL_DIR: env.sealDir,
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}
