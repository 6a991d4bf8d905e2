#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader, so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv);
// `serve` keeps the event loop alive; every other command ends here with its exit code.
if (process.argv[2] !== 'serve' || code !== 0) process.exit(code);
