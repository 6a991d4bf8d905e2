// Runs the real `shequn` command (node bin/shequn.js) against a test database, and opens the same
// database in-process to check what the command left behind.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { ctxFor, openRuntime, type Runtime } from '../../src/bootstrap.ts';
import { createToken } from '../../src/modules/operator/index.ts';
import { DEFAULT_WORKSPACE_SLUG, findWorkspaceBySlug } from '../../src/modules/workspace/index.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import type { TestDatabase } from './database.ts';
import { Client } from './server.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The last stdout line parsed as JSON (the `--json` report). */
  json(): any;
}

/** The environment a command sees: the test database, nothing inherited from the developer's SHEQUN_*. */
export function cliEnv(db: Pick<TestDatabase, 'dataDir' | 'url'>, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SHEQUN_') && k !== 'PORT'));
  return { ...base, SHEQUN_DATA_DIR: db.dataDir, SHEQUN_DATABASE_URL: db.url, ...extra };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv, opts: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/shequn.js'), ...args], { cwd: opts.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({
        code, signal, stdout, stderr,
        json() {
          const last = stdout.trimEnd().split('\n').pop() ?? '';
          try {
            return JSON.parse(last);
          } catch {
            throw new Error(`stdout's last line is not JSON: ${JSON.stringify(last)}\nstderr: ${stderr}`);
          }
        },
      });
    });
  });
}

/** A server (and an owner token) on the database a command wrote to, to check the outcome through the API. */
export interface ApiOnDb {
  server: RunningServer;
  rt: Runtime;
  api: Client;
  workspaceId: string;
  /** Row counts of the tables an import or export touches, for "nothing changed" checks. */
  counts(): Promise<Counts>;
  close(): Promise<void>;
}

const COUNTED = ['members', 'identities', 'member_terms', 'audit_log', 'workspaces', 'operators'] as const;
export type Counts = Record<(typeof COUNTED)[number], number>;

export async function apiOn(db: Pick<TestDatabase, 'dataDir' | 'url'>): Promise<ApiOnDb> {
  const config = loadConfig({ SHEQUN_DATA_DIR: db.dataDir, SHEQUN_DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', SHEQUN_LOG_LEVEL: 'silent' });
  const server = await startServer(config, () => {});
  const rt = server.rt;
  const ws = (await findWorkspaceBySlug(rt.db.kysely, DEFAULT_WORKSPACE_SLUG))!;
  const { token } = await createToken(ctxFor(rt, ws), { name: 'test', role: 'owner' });
  const url = server.url.replace('localhost', '127.0.0.1');
  return {
    server,
    rt,
    api: new Client(url, token),
    workspaceId: ws.id,
    async counts() {
      const out = {} as Counts;
      for (const t of COUNTED) {
        const r = await rt.db.kysely.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
        out[t] = Number(r.n);
      }
      return out;
    },
    close: () => server.close(),
  };
}

/** Opens the database without a server (e.g. to look at a data folder a command created). */
export async function openDb(db: Pick<TestDatabase, 'dataDir' | 'url'>): Promise<Runtime> {
  return openRuntime(loadConfig({ SHEQUN_DATA_DIR: db.dataDir, SHEQUN_DATABASE_URL: db.url, SHEQUN_LOG_LEVEL: 'silent' }));
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `shequn args…` inside this process through the same main() the binary calls, capturing stdout,
 * stderr and the exit code: for the long matrices of help and usage checks, where a spawn per case (node +
 * tsx, about a second) would dominate. Runs are serialised: they share process.env and the streams.
 */
export function runInProcess(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const run = async (): Promise<CliResult> => {
    const { main } = await import('../../src/cli/main.ts');
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
    Object.assign(process.env, env);
    const out: string[] = [];
    const err: string[] = [];
    const capture = (sink: string[]) => ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const cb = rest.find((x) => typeof x === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }) as typeof process.stdout.write;
    const [so, se] = [process.stdout.write, process.stderr.write];
    process.stdout.write = capture(out);
    process.stderr.write = capture(err);
    let code: number;
    try {
      code = await main(['node', 'shequn', ...args]);
    } finally {
      process.stdout.write = so;
      process.stderr.write = se;
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    const stdout = out.join('');
    const stderr = err.join('');
    return {
      code, signal: null, stdout, stderr,
      json: () => JSON.parse(stdout.trimEnd().split('\n').pop() ?? ''),
    };
  };
  const p = queue.then(run, run);
  queue = p.catch(() => undefined);
  return p;
}
