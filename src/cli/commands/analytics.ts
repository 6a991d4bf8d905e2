import type { Command } from 'commander';

export function analyticsCommands(program: Command) {
  const analytics = program.command('analytics').description('The evaluation dashboards\' rollups (评估精进)');
  analytics
    .command('rebuild')
    .description('Recompute every rollup of a workspace from its activities (after a time-zone change, or to check); writers wait while it runs')
    .option('--timezone <zone>', 'count days in this IANA time zone from now on (e.g. Asia/Shanghai, Europe/Berlin); default: the one in use')
    .option('--workspace <slug>', 'workspace slug (default: the default workspace)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { timezone?: string; workspace?: string; json?: boolean }) => {
      const { withRuntime, cliWorkspace } = await import('../runtime.ts');
      const { cliActor, ctxFor } = await import('../../bootstrap.ts');
      const { rebuildRollups, isTimeZone } = await import('../../modules/analytics/index.ts');
      const { invalid } = await import('../../kernel/errors.ts');
      if (opts.timezone !== undefined && !isTimeZone(opts.timezone)) throw invalid([{ field: '--timezone', reason: `"${opts.timezone}" is not an IANA time zone (e.g. Asia/Shanghai)` }]);
      const { progressBar } = await import('../output.ts');
      await withRuntime(async (rt) => {
        const ws = await cliWorkspace(rt, opts.workspace);
        // Millions of activities take minutes: a bar on a terminal says how far it is (counted only for one).
        const total = process.stderr.isTTY
          ? Number((await rt.db.kysely.selectFrom('activities').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', ws.id).executeTakeFirstOrThrow()).n)
          : 0;
        const bar = progressBar('重算 rebuild', total);
        const r = await rebuildRollups(ctxFor(rt, ws, cliActor('analytics')), { timezone: opts.timezone, onProgress: (n) => bar.update(n) }).finally(() => bar.stop());
        process.stdout.write(opts.json ? `${JSON.stringify({ workspace: ws.slug, ...r })}\n` : `Rebuilt the rollups of ${ws.slug} from ${r.activities.toLocaleString('en')} activities in ${(r.ms / 1000).toFixed(1)} s (days in ${r.timezone}${r.indexMs === null ? '' : `; its indexes made again in ${(r.indexMs / 1000).toFixed(1)} s`}).\n`);
      });
    });
}
