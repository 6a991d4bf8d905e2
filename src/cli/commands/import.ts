import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { ctxFor, openRuntime, resolveWorkspace } from '../../bootstrap.ts';
import { ShequnError, invalid } from '../../kernel/errors.ts';
import { readMemberFile } from '../../importers/members-file.ts';
import { importMembers, type ImportReport } from '../../modules/member/index.ts';
import { progressBar } from '../output.ts';

interface ImportOpts {
  map?: string[];
  partial?: boolean;
  json?: boolean;
  workspace?: string;
  sheet?: string;
}

function parseMapping(pairs: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs.flatMap((x) => x.split(','))) {
    const i = p.indexOf('=');
    if (i <= 0) throw invalid([{ field: '--map', reason: `"${p}" is not COLUMN=field` }]);
    out[p.slice(0, i).trim()] = p.slice(i + 1).trim();
  }
  return out;
}

function printReport(r: ImportReport, json: boolean) {
  const human = json ? process.stderr : process.stdout;
  human.write(`Rows read: ${r.rows}; people: ${r.members}; added: ${r.added.members}; updated: ${r.updated}; unchanged: ${r.unchanged}; skipped: ${r.skipped}\n`);
  for (const e of r.errors.slice(0, 200)) human.write(`  skipped ${e.file}:${e.line}: ${e.field}: ${e.reason}\n`);
  if (r.errors.length > 200) human.write(`  … and ${r.errors.length - 200} more\n`);
  if (json) {
    const { errors: _e, ...summary } = r;
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  }
}

export async function runMemberImport(file: string, opts: ImportOpts): Promise<void> {
  const mapping = parseMapping(opts.map);
  const rt = await openRuntime(loadConfig());
  try {
    const ws = await resolveWorkspace(rt, opts.workspace);
    const parsed = await readMemberFile(file, opts.sheet ? { sheet: opts.sheet } : {});
    const bar = process.stderr.isTTY ? progressBar('导入 import', parsed.rows.length) : undefined;
    let report: ImportReport;
    try {
      report = await importMembers(ctxFor(rt, ws), parsed.headers, parsed.rows, { file, partial: !!opts.partial, mapping, timezone: rt.config.timezone }, (n) => bar?.update(n));
    } catch (e) {
      bar?.stop();
      if (e instanceof ShequnError && e.code === 'import.failed' && opts.json && e.details.report) printReport(e.details.report as ImportReport, true);
      throw e;
    }
    bar?.stop();
    printReport(report, !!opts.json);
  } finally {
    await rt.db.close();
  }
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function addImportOptions(cmd: Command): Command {
  return cmd
    .option('--map <COLUMN=field>', 'map a column to a field (repeatable or comma-separated; field "ignore" skips a column)', collect)
    .option('--partial', 'import the valid rows and report the others (default: any bad row imports nothing)')
    .option('--json', 'print the report as one JSON object on the last line of stdout')
    .option('--sheet <name>', 'XLSX sheet to read (default: the first)')
    .option('--workspace <slug>', 'workspace slug (default: the default workspace)');
}

export function importCommands(program: Command) {
  const member = program.commands.find((c) => c.name() === 'member') ?? program.command('member').description('Member lists');
  addImportOptions(member.command('import <file>').description('Import a member list (CSV or XLSX); the same as `shequn import members`'))
    .action(runMemberImport);

  const imp = program.command('import').description('Import data: `shequn import members <file>`');
  addImportOptions(imp.command('members <file>').description('Import a member list (CSV or XLSX) with a column mapping'))
    .action(runMemberImport);
}
