import { configDefaults, defineConfig } from 'vitest/config';

// The integration suite runs twice, once per dialect; unit tests beside the code, and the platform fakes'
// own tests (no database), run once.
// Each project extends the root options (timeouts, pool); without `extends` they fell back to 5 s.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'test/fakes/**/*.test.ts'] } },
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/fakes/**'], env: { SHEQUN_TEST_DIALECT: 'sqlite' } } },
      { extends: true, test: { name: 'postgres', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/fakes/**'], env: { SHEQUN_TEST_DIALECT: 'postgres' } } },
    ],
  },
});
