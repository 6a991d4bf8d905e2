import type { Command } from 'commander';
import type { DemoCliOptions } from '../../demo/cli.ts';
import { ACTIVITIES_PER_MEMBER, DEFAULT_ACTIVITY_CAP, DEFAULT_MEMBERS, DEFAULT_SEED, MAX_MEMBERS } from '../../demo/options.ts';

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
  shequn demo                                  ${DEFAULT_MEMBERS.toLocaleString('en')} members, seed ${DEFAULT_SEED}
  shequn demo --members 1000000 --seed 7       a million members (10 to 15 minutes on SQLite)
  SHEQUN_DATABASE_URL=postgres://localhost/shequn shequn demo --reset`;

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
    .action(async (opts: DemoCliOptions) => (await import('../../demo/cli.ts')).runDemo(opts));
}
