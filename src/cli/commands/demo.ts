import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { openRuntime } from '../../bootstrap.ts';
import { invalid } from '../../kernel/errors.ts';
import {
  ACTIVITIES_PER_MEMBER, DEFAULT_ACTIVITY_CAP, DEFAULT_MEMBERS, DEFAULT_SEED, MAX_MEMBERS, generateDemo, validateDemoOptions, type DemoSummary,
} from '../../demo/index.ts';
import { progressBar } from '../output.ts';

interface DemoOpts {
  members: string;
  seed: string;
  activities?: string;
  workspace?: string;
  reset?: boolean;
}

const PHASES: Record<string, string> = { reset: '重置 reset', members: '成员 members', 'group notices': '群通知 notices', finishing: '收尾 finishing' };

/** "1000000", "1,000,000" and "1_000_000" are all a million; anything else is NaN and fails validation. */
const count = (s: string | undefined) => (s === undefined ? undefined : /^\d[\d_,]*$/.test(s.trim()) ? Number(s.trim().replace(/[_,]/g, '')) : Number.NaN);

const HELP = `
The demo is deterministic: the same --seed gives the same communities, groups, members, accounts,
memberships and member numbers, ids included. The six months of activity always end now, so their
dates move with the clock.

It builds three communities: 一叶茶社·茶友会 (a tea brand's city groups on WeChat and WeCom, with a
phase plan), PPT高手训练营 (a 69-member ring core group over pyramid QQ groups of 2,000/1,500/1,000
members, numbered QY-00001…; scaled down below ${DEFAULT_MEMBERS.toLocaleString('en')} members) and 茶友同城会 (city meetups).

It fills an empty workspace only: if the workspace already has members or communities it stops and
changes nothing, unless --reset is given, which first deletes that workspace's communities, groups,
members, numbers and activities (operators, API tokens and the audit log stay).

Progress goes to stderr when it is a terminal; the summary and the sign-in go to stdout.

Examples:
  shequn demo                                  20,000 members, seed ${DEFAULT_SEED}
  shequn demo --members 1000000 --seed 7       a million members (10 to 15 minutes on SQLite)
  SHEQUN_DATABASE_URL=postgres://localhost/shequn shequn demo --reset
`;

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
  if (s.admin.password) {
    out.write(`  password: ${s.admin.password} (${passwordFrom})\n`);
  } else out.write(`  password: ${s.admin.passwordHint}\n`);
}

export function demoCommand(program: Command) {
  program
    .command('demo')
    .description('Fill a workspace with a realistic, deterministic Chinese demo: three communities, their groups, members and six months of activity')
    .option('--members <n>', `how many members, 1 to ${MAX_MEMBERS.toLocaleString('en')}`, String(DEFAULT_MEMBERS))
    .option('--seed <n>', 'random seed, 0 to 4294967295: the same seed gives the same demo', String(DEFAULT_SEED))
    .option('--activities <n>', `about how many activities in all (default: ${ACTIVITIES_PER_MEMBER} per member, at most ${DEFAULT_ACTIVITY_CAP.toLocaleString('en')})`)
    .option('--workspace <slug>', 'workspace slug (default: the default workspace; another slug is created when missing)')
    .option('--reset', "delete the workspace's communities, groups, members and activities first")
    .addHelpText('after', HELP)
    .action(async (opts: DemoOpts) => {
      const members = count(opts.members)!;
      const seed = count(opts.seed)!;
      const activities = count(opts.activities);
      const errors = validateDemoOptions({ members, seed, activities });
      if (errors.length) throw invalid(errors, 'Invalid options');
      // Commands other than `serve` stay quiet unless asked: the summary is the output.
      const config = loadConfig({ ...process.env, SHEQUN_LOG_LEVEL: process.env.SHEQUN_LOG_LEVEL || 'warn' });
      const rt = await openRuntime(config);
      let bar: ReturnType<typeof progressBar> | undefined;
      let phase = '';
      try {
        const summary = await generateDemo(rt, {
          members, seed, activities, workspaceSlug: opts.workspace, reset: !!opts.reset,
          onProgress: (p, done, total) => {
            if (!process.stderr.isTTY) return;
            if (p !== phase) {
              bar?.stop();
              phase = p;
              bar = progressBar(PHASES[p] ?? p, total);
            }
            bar?.update(done);
          },
        });
        bar?.stop();
        printSummary(summary, config.port, config.adminPassword ? 'from SHEQUN_ADMIN_PASSWORD' : `also kept in ${path.join(config.dataDir, 'initial-admin.txt')}`);
      } finally {
        bar?.stop();
        await rt.db.close();
      }
    });
}
