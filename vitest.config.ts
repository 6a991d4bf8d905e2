import { configDefaults, defineConfig } from 'vitest/config';

// The integration suite runs twice, once per dialect; unit tests beside the code, and the platform fakes'
// own tests (no database), run once. The browser tests (Chromium against the real server, SQLite only) run
// last, two files at a time, with nothing else running: on CI's two cores, sharing them with the rest of the
// suite made their clicks wait past any sane timeout, and one late step left a dialog over every later step.
// Each project extends the root options (timeouts, pool); without `extends` they fell back to 5 s.
// Two files at a time everywhere: Vitest's default on two cores is one (cores − 1), and most of a file's time
// is spent waiting on PostgreSQL, timers and sockets. The suite's non-browser part went from 668 s to 509 s.
const BROWSER = ['test/browser-*.test.ts'];
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'test/fakes/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/fakes/**', ...BROWSER], env: { SHEQUN_TEST_DIALECT: 'sqlite' }, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'postgres', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/fakes/**', ...BROWSER], env: { SHEQUN_TEST_DIALECT: 'postgres' }, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'browser', include: BROWSER, env: { SHEQUN_TEST_DIALECT: 'sqlite' }, maxWorkers: 2, sequence: { groupOrder: 1 } } },
    ],
  },
});
