import fs from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { cliActor, ctxFor, openRuntime, resolveWorkspace } from '../../bootstrap.ts';
import { invalid } from '../../kernel/errors.ts';
import { ExportRequestSchema, exportMembers } from '../../modules/member/index.ts';

export function exportCommand(program: Command) {
  program
    .command('export')
    .description('Export members to CSV or XLSX (needs a reason; audited; every row watermarked)')
    .requiredOption('--reason <text>', 'why the data leaves Shequn (recorded in the audit log)')
    .option('--format <format>', 'csv or xlsx', 'csv')
    .option('--out <file>', 'output file (default: stdout for CSV)')
    .option('--by <name>', 'who exports, for the watermark (default: $USER)')
    .option('--city <city>').option('--tag <tags>', 'comma-separated').option('--circle <circle>').option('--stage <stage>').option('--group <groupId>')
    .option('--workspace <slug>', 'workspace slug (default: the default workspace)')
    .action(async (opts: Record<string, string | undefined>) => {
      const parsed = ExportRequestSchema.safeParse({
        reason: opts.reason,
        format: opts.format,
        filters: Object.fromEntries(Object.entries({ city: opts.city, tag: opts.tag, circle: opts.circle, stage: opts.stage, groupId: opts.group }).filter(([, v]) => v !== undefined)),
      });
      if (!parsed.success) throw invalid(parsed.error.issues.map((i) => ({ field: `--${String(i.path[i.path.length - 1] ?? 'value')}`, reason: i.message })), 'Invalid options');
      if (parsed.data.format === 'xlsx' && !opts.out) throw invalid([{ field: '--out', reason: 'XLSX needs an output file' }]);
      const rt = await openRuntime(loadConfig());
      try {
        const ws = await resolveWorkspace(rt, opts.workspace);
        const file = await exportMembers(ctxFor(rt, ws, cliActor(`cli:${opts.by ?? process.env.USER ?? 'unknown'}`)), parsed.data);
        if (opts.out) {
          fs.writeFileSync(opts.out, file.body);
          process.stderr.write(`Exported ${file.rows} members to ${opts.out}\n`);
        } else process.stdout.write(file.body);
      } finally {
        await rt.db.close();
      }
    });
}
