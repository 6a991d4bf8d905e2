import { defineConfig } from 'vitest/config';

// The integration suite runs twice, once per dialect; unit tests beside the code run once.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts'] } },
      { test: { name: 'sqlite', include: ['test/**/*.test.ts'], env: { SHEQUN_TEST_DIALECT: 'sqlite' } } },
      { test: { name: 'postgres', include: ['test/**/*.test.ts'], env: { SHEQUN_TEST_DIALECT: 'postgres' } } },
    ],
  },
});
