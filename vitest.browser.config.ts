import { defineConfig } from 'vitest/config';
import { testEnv } from './test/support/env.ts';

/**
 * Browser journeys (`npm run test:browser`): Debian's Chromium driven by playwright-core against
 * the real handlers behind the local HTTP server, with the same local services (DynamoDB Local,
 * the SES emulator, the stream poller running `notify`) as the integration tests.
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    env: testEnv,
    // A journey clicks through several pages, renders PDFs and waits for emails.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
