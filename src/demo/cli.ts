// `shequn demo`, loaded when the command runs: parses the options, shows progress on stderr when it
// is a terminal, and prints the summary and how to sign in on stdout.
import path from 'node:path';
import { invalid } from '../kernel/errors.ts';
import { progressBar, type Progress } from '../cli/output.ts';
import { withRuntime } from '../cli/runtime.ts';
import { generateDemo, validateDemoOptions, type DemoSummary } from './index.ts';

export interface DemoCliOptions {
  members: string;
  seed: string;
  activities?: string;
  workspace?: string;
  reset?: boolean;
}

const PHASES: Record<string, string> = { reset: '重置 reset', members: '成员 members', 'group notices': '群通知 notices', finishing: '收尾 finishing' };

/** "1000000", "1,000,000" and "1_000_000" are all a million; anything else is NaN and fails validation. */
const count = (s: string | undefined) => (s === undefined ? undefined : /^\d[\d_,]*$/.test(s.trim()) ? Number(s.trim().replace(/[_,]/g, '')) : Number.NaN);

function printSummary(s: DemoSummary, port: number, passwordFrom: string) {
  const n = (x: number) => x.toLocaleString('en');
  const out = process.stdout;
  out.write(`Demo workspace "${s.workspace.slug}" (${s.workspace.name}) is ready, seed ${s.seed}, in ${(s.elapsedMs / 1000).toFixed(1)} s:\n`);
  out.write(`  ${n(s.communities)} communities (${n(s.phases)} phases), ${n(s.groups)} groups in ${n(s.groupSets)} group sets\n`);
  out.write(`  ${n(s.members)} members, ${n(s.identities)} platform accounts, ${n(s.memberships)} memberships, ${n(s.memberNumbers)} member numbers\n`);
  out.write(`  ${n(s.activities)} activities from ${s.from.slice(0, 10)} to ${s.to.slice(0, 10)}, ${n(s.searchTerms)} search postings\n`);
  if (!s.admin) {
    out.write(`No owner can sign in to "${s.workspace.slug}" yet; add one:\n  shequn operator add --workspace ${s.workspace.slug} --role owner --email you@example.com\n`);
    return;
  }
  out.write(`Sign in (start the server with \`shequn serve\`): http://localhost:${port}\n`);
  out.write(`  e-mail:   ${s.admin.email}\n`);
  out.write(s.admin.password ? `  password: ${s.admin.password} (${passwordFrom})\n` : `  password: ${s.admin.passwordHint}\n`);
}

export async function runDemo(opts: DemoCliOptions): Promise<void> {
  const members = count(opts.members)!;
  const seed = count(opts.seed)!;
  const activities = count(opts.activities);
  const errors = validateDemoOptions({ members, seed, activities });
  if (errors.length) throw invalid(errors, 'Invalid options');
  await withRuntime(async (rt) => {
    let bar: Progress | undefined;
    let phase = '';
    try {
      const summary = await generateDemo(rt, {
        members, seed, activities, workspaceSlug: opts.workspace, reset: !!opts.reset,
        onProgress: (p, done, total) => {
          if (p !== phase) {
            bar?.stop();
            phase = p;
            bar = progressBar(PHASES[p] ?? p, total);
          }
          bar?.update(done);
        },
      });
      bar?.stop();
      const c = rt.config;
      printSummary(summary, c.port, c.adminPassword ? 'from SHEQUN_ADMIN_PASSWORD' : `also kept in ${path.join(c.dataDir, 'initial-admin.txt')}`);
    } finally {
      bar?.stop();
    }
  });
}
