// `shequn export`, loaded when the command runs.
import fs from 'node:fs';
import path from 'node:path';
import type { Runtime } from '../../bootstrap.ts';
import type { Actor } from '../../kernel/context.ts';
import { invalid, ShequnError } from '../../kernel/errors.ts';
import { ExportRequestSchema, exportMembers } from '../../modules/member/index.ts';
import { toOperator } from '../../modules/operator/operator.service.ts';
import type { Workspace } from '../../modules/workspace/index.ts';
import { progressBar } from '../output.ts';
import { cliCtx, cliWorkspace, withRuntime } from '../runtime.ts';

export interface ExportOpts {
  reason?: string;
  format?: string;
  out?: string;
  by?: string;
  city?: string;
  tag?: string;
  circle?: string;
  stage?: string;
  group?: string;
  workspace?: string;
}

/**
 * Who the export is for. `--by <e-mail>` names an operator of the workspace: the export then acts with that
 * operator's role and scope, and the watermark and audit log name them. Without it the CLI user exports.
 */
async function exportActor(rt: Runtime, ws: Workspace, by: string | undefined): Promise<Actor | undefined> {
  if (!by) return undefined;
  if (!by.includes('@')) return { kind: 'cli', id: null, name: `cli:${by}`, role: 'owner', scope: null };
  const row = await cliCtx(rt, ws).tdb.selectFrom('operators').selectAll().where('email', '=', by.trim().toLowerCase()).executeTakeFirst();
  if (!row) throw new ShequnError('not_found', `No operator with e-mail ${by} in workspace ${ws.slug}`, { field: '--by' });
  const op = toOperator(row);
  if (op.disabled) throw new ShequnError('validation.failed', `The operator ${by} is disabled`, { field: '--by' });
  return { kind: 'cli', id: op.id, name: `${op.name} <${op.email}>`, role: op.role, scope: op.scope };
}

/** Writes next to the target and renames, so a failed export never leaves a half-written file. */
function writeAtomically(file: string, body: Buffer) {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, body, { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new ShequnError('validation.failed', `cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { field: '--out' });
  }
}

export async function runExport(opts: ExportOpts): Promise<void> {
  const format = opts.format ?? (opts.out && path.extname(opts.out).toLowerCase() === '.xlsx' ? 'xlsx' : 'csv');
  const parsed = ExportRequestSchema.safeParse({
    reason: opts.reason,
    format,
    filters: Object.fromEntries(Object.entries({ city: opts.city, tag: opts.tag, circle: opts.circle, stage: opts.stage, groupId: opts.group }).filter(([, v]) => v !== undefined)),
  });
  if (!parsed.success) {
    const flag = (p: PropertyKey | undefined) => (p === 'groupId' ? 'group' : String(p ?? 'value'));
    throw invalid(parsed.error.issues.map((i) => ({ field: `--${flag(i.path[i.path.length - 1])}`, reason: i.message })), 'Invalid options');
  }
  if (parsed.data.format === 'xlsx' && !opts.out) throw invalid([{ field: '--out', reason: 'XLSX needs an output file' }], 'Invalid options');
  if (opts.out && fs.existsSync(opts.out) && fs.statSync(opts.out).isDirectory()) throw invalid([{ field: '--out', reason: `${opts.out} is a folder` }], 'Invalid options');
  await withRuntime(async (rt) => {
    const ws = await cliWorkspace(rt, opts.workspace);
    const actor = await exportActor(rt, ws, opts.by);
    const ctx = actor ? cliCtx(rt, ws, actor) : cliCtx(rt, ws);
    // The bar's total is the workspace's member count: filters may stop it short, never past it.
    const total = opts.out && process.stderr.isTTY ? Number((await ctx.tdb.selectFrom('members').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0) : 0;
    const bar = progressBar('导出 export', total);
    let file;
    try {
      file = await exportMembers(ctx, parsed.data, (n) => bar.update(n));
    } finally {
      bar.stop();
    }
    if (opts.out) {
      writeAtomically(opts.out, file.body);
      process.stderr.write(`Exported ${file.rows} members to ${opts.out} (watermarked for ${ctx.actor.name}; recorded in the audit log)\n`);
    } else process.stdout.write(file.body);
  });
}
