import { defineConfig } from 'vitest/config';
import { testEnv } from './test/support/env.ts';

export default defineConfig({
  test: {
    include: ['test/{unit,integration,infra}/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    env: testEnv,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
