#!/usr/bin/env node
// `npm test`: type-check, then the whole suite (unit once; integration on SQLite and on PostgreSQL).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
// The web apps have their own tsconfig (DOM, JSX); the browser tests need both apps built.
run('npx', ['tsc', '-p', 'web/tsconfig.json', '--noEmit']);
if (!existsSync('web/dist/console/index.html') || !existsSync('web/dist/member/index.html')) run('npm', ['run', 'build:web']);
run('npx', ['vitest', 'run', ...process.argv.slice(2)]);
