import type { Command } from 'commander';
import type { ImportOpts } from '../run/import.ts';

/** The fields a column can map to (the unit test keeps this in step with the importer). */
export const IMPORT_FIELDS = [
  'displayName', 'gender', 'birthYear', 'city', 'occupation', 'skills', 'phone', 'email', 'tags', 'circle', 'stage', 'sourceChannel', 'joinedAt',
  'identity.wechat', 'identity.qq', 'identity.telegram', 'identity.wecom', 'identity.discord', 'identity.whatsapp', 'identity.slack', 'identity.feishu',
];

const run = async (file: string, opts: ImportOpts) => (await import('../run/import.ts')).runMemberImport(file, opts);
const collect = (v: string, prev: string[] = []) => [...prev, v];

export function addImportOptions(cmd: Command): Command {
  return cmd
    .option('--map <COLUMN=field>', 'map a column to a field (repeatable or comma-separated; field "ignore" skips a column)', collect)
    .option('--partial', 'import the valid rows and report the others (default: any bad row imports nothing)')
    .option('--json', 'print the report as one JSON object on the last line of stdout (the human report goes to stderr)')
    .option('--sheet <name>', 'XLSX sheet to read (default: the first)')
    .option('--workspace <slug>', 'workspace slug (default: the default workspace)')
    .addHelpText(
      'after',
      `
Files: CSV (UTF-8, UTF-8 with BOM, UTF-16, GB18030/GBK as Chinese Excel saves it; comma-, tab- or
semicolon-separated) or XLSX. The first row is the header. Known headers (姓名, 手机, 微信号, city, …) map
themselves; map others with --map. Fields: ${IMPORT_FIELDS.join(', ')}.
Rows are matched to stored members by platform id, then phone, then e-mail, and update them; a re-import
adds nothing. Every bad row is reported as file:line with the reason. Without --partial one bad row
imports nothing (exit 2); the valid rows are written in one transaction.`,
    );
}

export function importCommands(program: Command) {
  const member = program.commands.find((c) => c.name() === 'member') ?? program.command('member').description('Member lists: `shequn member import <file>`');
  addImportOptions(member.command('import <file>').description('Import a member list (CSV or XLSX) with a column mapping; the same as `shequn import members`'))
    .action(run);

  const imp = program.command('import').description('Import data: `shequn import members <file>`');
  addImportOptions(imp.command('members <file>').description('Import a member list (CSV or XLSX) with a column mapping; the same as `shequn member import`'))
    .action(run);
}
