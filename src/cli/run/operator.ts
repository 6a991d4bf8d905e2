// `shequn operator add` and `shequn token create`, loaded when one of them runs.
import { randomBytes } from 'node:crypto';
import { invalid } from '../../kernel/errors.ts';
import { OperatorCreateSchema, TokenCreateSchema, createOperator, createToken } from '../../modules/operator/index.ts';
import { cliCtx, cliWorkspace, withRuntime } from '../runtime.ts';

type Schema<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } };

export function parseOptions<T>(schema: Schema<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw invalid(r.error.issues.map((i) => ({ field: `--${String(i.path[0] ?? 'value')}`, reason: i.message })), 'Invalid options');
  return r.data;
}

export async function addOperator(opts: { email: string; name?: string; role: string; password?: string; workspace?: string }): Promise<void> {
  const generated = opts.password ? undefined : randomBytes(12).toString('base64url');
  const input = parseOptions(OperatorCreateSchema, { email: opts.email, name: opts.name ?? opts.email, role: opts.role, password: opts.password ?? generated });
  await withRuntime(async (rt) => {
    const ws = await cliWorkspace(rt, opts.workspace);
    const op = await createOperator(cliCtx(rt, ws), input);
    process.stdout.write(`Added ${op.role} ${op.email} (${op.id}) to workspace ${ws.slug}\n`);
    if (generated) process.stdout.write(`Password: ${generated}\n`);
  });
}

export async function createApiToken(opts: { role: string; name: string; workspace?: string }): Promise<void> {
  const input = parseOptions(TokenCreateSchema, { name: opts.name, role: opts.role });
  await withRuntime(async (rt) => {
    const ws = await cliWorkspace(rt, opts.workspace);
    const { token } = await createToken(cliCtx(rt, ws), input);
    process.stdout.write(`${token}\n`);
  });
}
