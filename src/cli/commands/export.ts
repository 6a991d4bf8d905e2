import type { Command } from 'commander';
import type { ExportOpts } from '../run/export.ts';

export function exportCommand(program: Command) {
  program
    .command('export')
    .description('Export members to CSV or XLSX (needs a reason; audited; every row watermarked with who exported, when and why)')
    .requiredOption('--reason <text>', 'why the data leaves Shequn (at least 4 characters; recorded in the audit log and the watermark)')
    .option('--format <format>', 'csv or xlsx (default: from the --out extension, else csv)')
    .option('--out <file>', 'output file (default: stdout, CSV only)')
    .option('--by <email>', "the operator who exports: acts with their role and scope and is named in the watermark (default: the CLI user, with the owner's rights)")
    .option('--city <city>', 'only members in this city')
    .option('--tag <tags>', 'only members with these tags (comma-separated)')
    .option('--circle <circle>', 'only this circle: leader, kin, media, public or business')
    .option('--stage <stage>', 'only this stage: acquired, nurtured, activated or monetized')
    .option('--group <groupId>', 'only members of this group')
    .option('--workspace <slug>', 'workspace slug (default: the default workspace)')
    .action(async (opts: ExportOpts) => (await import('../run/export.ts')).runExport(opts));
}
