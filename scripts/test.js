#!/usr/bin/env node
// `npm test`: type-check, then the whole suite (unit once; integration on SQLite and on PostgreSQL).
import { spawnSync } from 'node:child_process';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
run('npx', ['vitest', 'run', ...process.argv.slice(2)]);
