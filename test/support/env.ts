/** The settings every test process sees (workers and the global setup alike). */
export const testEnv = {
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  // Embedded-metric JSON lines are for CloudWatch; tests spy on the metrics instead.
  POWERTOOLS_METRICS_DISABLED: 'true',
  AWS_REGION: 'local',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  LOCAL_JWT_SECRET: 'test-secret-not-for-production',
  PUBLIC_BASE_URL: 'http://localhost:3000',
  LINK_KEY: 'test-link-key-not-for-production-0123456789',
  SENDER_EMAIL: 'quotes@closer.test',
  TABLE_NAME: 'closer-test',
  // Lambda runs Node 22; the SDK's notice about Node 20 support is noise in test output.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
