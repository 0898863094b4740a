import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/{unit,integration,infra}/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      LOCAL_JWT_SECRET: 'test-secret-not-for-production',
      PUBLIC_BASE_URL: 'http://localhost:3000',
      LINK_KEY: 'test-link-key-not-for-production-0123456789',
      SENDER_EMAIL: 'quotes@closer.test',
    },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
