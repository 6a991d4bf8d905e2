// `npm run bench` runs every benchmark; `npm run bench -- --only NAME` runs one.
import { benches } from './registry.ts';

const args = process.argv.slice(2);
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;
const selected = only ? benches.filter((b) => b.name === only) : benches;
if (only && selected.length === 0) {
  process.stderr.write(`No benchmark named ${only}; known: ${benches.map((b) => b.name).join(', ')}\n`);
  process.exit(2);
}
for (const b of selected) {
  process.stderr.write(`\n== ${b.name}: ${b.description}\n`);
  await b.run();
}
