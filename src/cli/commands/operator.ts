import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { ctxFor, openRuntime, resolveWorkspace } from '../../bootstrap.ts';
import { invalid } from '../../kernel/errors.ts';
import { OperatorCreateSchema, TokenCreateSchema, createOperator, createToken } from '../../modules/operator/index.ts';

function parseOrThrow<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw invalid(r.error.issues.map((i) => ({ field: `--${String(i.path[0] ?? 'value')}`, reason: i.message })), 'Invalid options');
  return r.data;
}

export function operatorCommands(program: Command) {
  const operator = program.command('operator').description('Manage operators (staff accounts)');
  operator
    .command('add')
    .description('Add an operator; prints the generated password when none is given')
    .requiredOption('--email <email>', 'sign-in e-mail')
    .option('--name <name>', 'display name (default: the e-mail)')
    .option('--role <role>', 'owner, admin, operator, planner, promoter, designer, content, supervisor, analyst or service', 'operator')
    .option('--password <password>', 'password (at least 8 characters); generated when omitted')
    .option('--workspace <slug>', 'workspace slug (default: the default workspace)')
    .action(async (opts: { email: string; name?: string; role: string; password?: string; workspace?: string }) => {
      const generated = opts.password ? undefined : randomBytes(12).toString('base64url');
      const input = parseOrThrow(OperatorCreateSchema, { email: opts.email, name: opts.name ?? opts.email, role: opts.role, password: opts.password ?? generated });
      const rt = await openRuntime(loadConfig());
      try {
        const ws = await resolveWorkspace(rt, opts.workspace);
        const op = await createOperator(ctxFor(rt, ws), input);
        process.stdout.write(`Added ${op.role} ${op.email} (${op.id}) to workspace ${ws.slug}\n`);
        if (generated) process.stdout.write(`Password: ${generated}\n`);
      } finally {
        await rt.db.close();
      }
    });

  const token = program.command('token').description('Manage API tokens');
  token
    .command('create')
    .description('Create an API token and print only the token on stdout')
    .requiredOption('--role <role>', 'the role the token acts with (e.g. admin, analyst)')
    .option('--name <name>', 'what the token is for', 'cli')
    .option('--workspace <slug>', 'workspace slug (default: the default workspace the first start creates)')
    .action(async (opts: { role: string; name: string; workspace?: string }) => {
      const input = parseOrThrow(TokenCreateSchema, { name: opts.name, role: opts.role });
      const rt = await openRuntime(loadConfig());
      try {
        const ws = await resolveWorkspace(rt, opts.workspace);
        const { token: secret } = await createToken(ctxFor(rt, ws), input);
        process.stdout.write(`${secret}\n`);
      } finally {
        await rt.db.close();
      }
    });
}
