// How a CLI command gets its configuration, database and workspace. Logs go to stderr so that stdout
// carries only the command's output (a token, a CSV, a JSON report).
import os from 'node:os';
import path from 'node:path';
import { pino, destination } from 'pino';
import { loadConfig, type Config } from '../config.ts';
import { cliActor, ctxFor, ensureDefaultWorkspace, openRuntime, resolveWorkspace, type Runtime } from '../bootstrap.ts';
import type { Actor } from '../kernel/context.ts';
import { invalid } from '../kernel/errors.ts';
import { CliFailure } from './output.ts';
import type { Workspace } from '../modules/workspace/index.ts';

/** The configuration from the environment; a bad value is a usage error (exit 2), not a crash. */
export function cliConfig(opts: { quiet?: boolean; overrides?: Parameters<typeof loadConfig>[1] } = {}, env: NodeJS.ProcessEnv = process.env): Config {
  try {
    // Commands other than `serve` are quiet unless asked: warnings and errors only, on stderr.
    return loadConfig(opts.quiet === false ? env : { ...env, SHEQUN_LOG_LEVEL: env.SHEQUN_LOG_LEVEL || 'warn' }, opts.overrides);
  } catch (e) {
    const lines = (e as Error).message.split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
    throw invalid(lines.map((l) => ({ field: l.slice(0, l.indexOf(':')), reason: l.slice(l.indexOf(':') + 1).trim() })), 'Invalid configuration (check the SHEQUN_* and PORT environment variables and the options)');
  }
}

/** Where the data lives, without credentials. */
export function describeDatabase(config: Config): string {
  if (config.database.dialect === 'sqlite') return config.database.file;
  try {
    const u = new URL(config.database.url);
    return `postgres://${u.host}${u.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

/** Opens the database (migrating it), runs fn and closes it again. */
export async function withRuntime<T>(fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const config = cliConfig();
  const log = pino({ name: 'shequn', level: config.logLevel }, destination({ fd: 2, sync: true }));
  let rt: Runtime;
  try {
    rt = await openRuntime(config, { log });
  } catch (e) {
    throw new CliFailure(`cannot open the database ${describeDatabase(config)}: ${(e as Error).message.replace(/^Migration \(unknown\) failed: /, '')}`);
  }
  try {
    return await fn(rt);
  } finally {
    await rt.db.close();
  }
}

/**
 * The workspace a command works in: the one named by --workspace, or the default one. On a data folder
 * where the server never ran, the default workspace and its first owner are created here, as the first
 * start would, and stderr says where the owner's password is.
 */
export async function cliWorkspace(rt: Runtime, slug: string | undefined): Promise<Workspace> {
  if (slug) return resolveWorkspace(rt, slug);
  const { workspace, initialAdmin } = await ensureDefaultWorkspace(rt);
  if (initialAdmin) {
    const where = rt.config.adminPassword ? 'the password is SHEQUN_ADMIN_PASSWORD' : `the password is in ${path.join(rt.config.dataDir, 'initial-admin.txt')}`;
    process.stderr.write(`First start: created the default workspace and its owner ${initialAdmin.email}; ${where}\n`);
  }
  return workspace;
}

/** Who runs the command, as the audit log names them: the login on this machine. */
export function cliUser(): string {
  try {
    return os.userInfo().username || process.env.USER || 'unknown';
  } catch {
    return process.env.USER || process.env.USERNAME || 'unknown';
  }
}

/** The context a command acts in: the CLI has the owner's rights, and the audit log says `cli:<login>`. */
export const cliCtx = (rt: Runtime, ws: Workspace, actor: Actor = cliActor(`cli:${cliUser()}`)) => ctxFor(rt, ws, actor);
