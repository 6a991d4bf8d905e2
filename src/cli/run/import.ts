// `shequn member import` / `shequn import members`, loaded when the command runs.
import { ShequnError, invalid } from '../../kernel/errors.ts';
import { readMemberFile, type MemberFile } from '../../importers/members-file.ts';
import { importMembers, resolveColumns, type ImportReport } from '../../modules/member/member.import.ts';
import { progressBar } from '../output.ts';
import { cliCtx, cliWorkspace, withRuntime } from '../runtime.ts';

export interface ImportOpts {
  map?: string[];
  partial?: boolean;
  json?: boolean;
  workspace?: string;
  sheet?: string;
}

export function parseMapping(pairs: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs.flatMap((x) => x.split(',')).filter((x) => x.trim() !== '')) {
    const i = p.lastIndexOf('=');
    if (i <= 0 || i === p.length - 1) throw invalid([{ field: '--map', reason: `"${p}" is not COLUMN=field` }], 'Invalid options');
    out[p.slice(0, i).trim()] = p.slice(i + 1).trim();
  }
  return out;
}

const DELIMITERS: Record<string, string> = { ',': 'comma', '\t': 'tab', ';': 'semicolon' };

function describe(file: string, f: MemberFile): string {
  return f.format === 'xlsx' ? `${file} (XLSX, sheet "${f.sheet}")` : `${file} (CSV, ${f.encoding}, ${DELIMITERS[f.delimiter ?? ','] ?? f.delimiter}-separated)`;
}

/** The human report (stdout, or stderr with --json) and with --json the JSON summary as the last stdout line. */
function printReport(file: string, f: MemberFile, r: ImportReport, opts: ImportOpts, failed: boolean) {
  const human = opts.json || failed ? process.stderr : process.stdout;
  human.write(
    `${describe(file, f)}: ${r.rows} rows, ${r.members} people; ` +
      (failed ? `invalid rows: ${r.skipped}\n` : `added ${r.added.members}, updated ${r.updated}, unchanged ${r.unchanged}, skipped ${r.skipped}\n`),
  );
  for (const e of r.errors) human.write(`  ${failed ? '' : 'skipped '}${e.file}:${e.line}: ${e.field}: ${e.reason}\n`);
  if (opts.json) {
    const { errors, ...summary } = r;
    const extra = { ok: !failed, file, fileFormat: f.format, ...(f.encoding ? { encoding: f.encoding } : {}), ...(f.sheet ? { sheet: f.sheet } : {}) };
    process.stdout.write(`${JSON.stringify({ ...summary, ...extra, errors: errors.map(({ line, field, reason }) => ({ line, field, reason })) })}\n`);
  }
}

export async function runMemberImport(file: string, opts: ImportOpts): Promise<void> {
  const mapping = parseMapping(opts.map);
  // The file and its header are checked before the database is touched: a bad file changes nothing.
  const parsed = await readMemberFile(file, opts.sheet ? { sheet: opts.sheet } : {});
  const { errors: headerErrors } = resolveColumns(parsed.headers, mapping);
  if (headerErrors.length) {
    throw new ShequnError('validation.failed', `${file}:${parsed.headerLine}: the header does not fit`, { file }, headerErrors.map((e) => ({ field: `${file}:${parsed.headerLine} ${e.field}`, reason: e.reason })));
  }
  await withRuntime(async (rt) => {
    const ws = await cliWorkspace(rt, opts.workspace);
    const bar = progressBar('导入 import', parsed.rows.length);
    let report: ImportReport;
    try {
      report = await importMembers(
        cliCtx(rt, ws),
        parsed.headers,
        parsed.rows,
        { file, partial: !!opts.partial, mapping, timezone: rt.config.timezone, headerLine: parsed.headerLine },
        (n) => bar.update(n),
      );
    } catch (e) {
      bar.stop();
      if (e instanceof ShequnError && e.code === 'import.failed' && e.details.report) {
        const r = e.details.report as ImportReport;
        printReport(file, parsed, r, opts, true);
        throw new ShequnError('import.failed', `${r.skipped} of ${r.rows} rows in ${file} are invalid; nothing was imported (fix them, or use --partial to import the ${r.members} valid rows)`, { file });
      }
      throw e;
    }
    bar.stop();
    printReport(file, parsed, report, opts, false);
  });
}
