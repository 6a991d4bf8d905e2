// The `shequn` command itself: help, exit codes, first start on a fresh data folder, tokens, operators,
// migrate and serve. Every case spawns the real CLI (node bin/shequn.js) on a test database.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, dialect, type TestDatabase } from './helpers/database.ts';
import { ROOT, apiOn, cliEnv, openDb, runCli, runInProcess } from './helpers/cli.ts';
import { Client } from './helpers/server.ts';

// Each case spawns node + tsx (about a second, more on a busy machine): the projects' 5 s default is too short.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

const NO_STACK = /\n\s+at /;

// Help and usage errors do not depend on the database: the spawned checks run once, in the SQLite project.
const spawnedOnce = dialect === 'sqlite' ? it : it.skip;

describe('help and exit codes', () => {
  spawnedOnce('documents every command and the exit codes in `shequn --help`; an unknown command exits 2', async () => {
    const env = cliEnv(db);
    const [top, unknown] = await Promise.all([runCli(['--help'], env), runCli(['nosuch'], env)]);
    expect(top.code).toBe(0);
    for (const cmd of ['serve', 'migrate', 'demo', 'operator', 'token', 'member', 'import', 'export']) expect(top.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    expect(top.stdout).toMatch(/Exit codes:\n\s+0\s+success\n\s+1\s+failure.*\n(.*\n)*?\s+2\s+usage error or invalid input/);
    expect(top.stdout).toMatch(/SHEQUN_DATA_DIR/);
    expect(top.stdout).toMatch(/SHEQUN_DATABASE_URL/);
    expect([unknown.code, unknown.stdout]).toEqual([2, '']);
    expect(unknown.stderr).toMatch(/^error: unknown command 'nosuch'/);
    expect(fs.readdirSync(db.dataDir)).toEqual([]);
  }, 60_000);

  spawnedOnce('exits 1 with a one-line reason when the database cannot be reached', async () => {
    const r = await runCli(['token', 'create', '--role', 'admin'], cliEnv(db, { SHEQUN_DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/nothing' }));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^shequn: cannot open the database postgres:\/\/127\.0\.0\.1:1\/nothing: .*ECONNREFUSED.*\n$/);
    expect(r.stderr).not.toContain('secret');
  });

  it('has --help on every command (exit 0) and --version', async () => {
    const env = cliEnv(db);
    for (const c of [['serve'], ['migrate'], ['demo'], ['operator'], ['operator', 'add'], ['token'], ['token', 'create'], ['member'], ['member', 'import'], ['import'], ['import', 'members'], ['export']]) {
      const r = await runInProcess([...c, '--help'], env);
      expect(r.code, c.join(' ')).toBe(0);
      expect(r.stdout, c.join(' ')).toContain(`Usage: shequn ${c.join(' ')}`);
      expect(r.stdout, c.join(' ')).toMatch(/Exit codes: 0 ok, 1 failure, 2 usage error/);
    }
    expect((await runInProcess(['member', 'import', '--help'], env)).stdout).toMatch(/--map <COLUMN=field>[\s\S]*--partial[\s\S]*--json[\s\S]*GB18030/);
    expect((await runInProcess(['export', '--help'], env)).stdout).toMatch(/--reason <text>[\s\S]*--by <email>/);
    expect((await runInProcess(['help', 'token'], env)).code).toBe(0);
    const version = await runInProcess(['--version'], env);
    expect([version.code, version.stdout.trim()]).toEqual([0, '0.1.0']);
    expect(fs.readdirSync(db.dataDir)).toEqual([]);
  });

  it('exits 2 with a message on stderr for usage errors, and touches no data', async () => {
    const env = cliEnv(db);
    const cases: [string[], RegExp, NodeJS.ProcessEnv?][] = [
      [['migrate', '--bogus'], /unknown option '--bogus'/],
      [['token', 'create'], /required option '--role <role>' not specified/],
      [['token', 'create', '--role', 'emperor'], /--role: Invalid option: expected one of "owner"\|"admin"/],
      [['member'], /Usage: shequn member/],
      [['operator'], /Usage: shequn operator/],
      [['import', 'members'], /missing required argument 'file'/],
      [['import', 'members', 'a.csv', 'b.csv'], /too many arguments/],
      [['export', '--format', 'csv'], /required option '--reason <text>' not specified/],
      [['export', '--reason', 'ab'], /--reason: say why you export/],
      [['export', '--reason', 'audit check', '--format', 'pdf'], /--format: Invalid option: expected one of "csv"\|"xlsx"/],
      [['export', '--reason', 'audit check', '--format', 'xlsx'], /--out: XLSX needs an output file/],
      [['export', '--reason', 'audit check', '--circle', 'vip'], /--circle: Invalid option/],
      [['export', '--reason', 'audit check', '--out', db.dataDir], /--out: .* is a folder/],
      [['operator', 'add', '--email', 'not-an-email'], /--email: Invalid email address/],
      [['operator', 'add', '--email', 'x@example.com', '--password', 'short'], /--password: at least 8 characters/],
      [['import', 'members', 'x.csv', '--map', 'nofield'], /--map: "nofield" is not COLUMN=field/],
      [['serve', '--port', 'http'], /Invalid configuration[\s\S]*port/],
      [['token', 'create', '--role', 'admin'], /Invalid configuration[\s\S]*logLevel/, { ...env, SHEQUN_LOG_LEVEL: 'loud' }],
    ];
    for (const [args, message, e] of cases) {
      const r = await runInProcess(args, e ?? env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr, args.join(' ')).not.toMatch(NO_STACK);
    }
    expect(fs.readdirSync(db.dataDir)).toEqual([]);
  });
});

describe('a data folder where the server never ran', () => {
  it('`migrate` applies the migrations once', async () => {
    const fresh = await createTestDatabase();
    try {
      const env = cliEnv(fresh);
      const first = await runCli(['migrate'], env);
      expect([first.code, first.stdout]).toEqual([0, expect.stringMatching(/^Applied: 0001-foundation/)]);
      const again = await runInProcess(['migrate'], env);
      expect([again.code, again.stdout]).toEqual([0, 'The database is up to date.\n']);
    } finally {
      await fresh.drop();
    }
  });

  let adminPassword: string;
  let adminToken: string;

  it('`token create` creates the default workspace and first owner, and prints only the token', async () => {
    const r = await runCli(['token', 'create', '--role', 'admin', '--name', 'deploy script'], cliEnv(db));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^shq_[A-Za-z0-9_-]{20,}\n$/);
    adminToken = r.stdout.trim();
    const file = path.join(db.dataDir, 'initial-admin.txt');
    expect(r.stderr).toBe(`First start: created the default workspace and its owner admin@shequn.local; the password is in ${file}\n`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    adminPassword = /password: (\S+)/.exec(fs.readFileSync(file, 'utf8'))![1]!;

    const rt = await openDb(db);
    try {
      const ws = await rt.db.kysely.selectFrom('workspaces').selectAll().execute();
      expect(ws.map((w) => w.slug)).toEqual(['default']);
      const ops = await rt.db.kysely.selectFrom('operators').select(['email', 'role', 'workspace_id']).execute();
      expect(ops).toEqual([{ email: 'admin@shequn.local', role: 'owner', workspace_id: ws[0]!.id }]);
      const tokens = await rt.db.kysely.selectFrom('api_tokens').select(['name', 'role', 'workspace_id']).execute();
      expect(tokens).toEqual([{ name: 'deploy script', role: 'admin', workspace_id: ws[0]!.id }]);
    } finally {
      await rt.db.close();
    }
  });

  it('the token, the first owner and an added operator work against the server on the same database', async () => {
    const env = cliEnv(db);
    const [analyst, added] = await Promise.all([
      runCli(['token', 'create', '--role', 'analyst'], env),
      runCli(['operator', 'add', '--email', 'Ann@Example.com', '--name', '安妮', '--role', 'admin'], env),
    ]);
    const dup = await runInProcess(['operator', 'add', '--email', 'admin@shequn.local', '--role', 'admin', '--password', 'long-enough-1'], env);
    const nows = await runInProcess(['token', 'create', '--role', 'admin', '--workspace', 'nosuch'], env);
    // A later start says nothing about the first owner.
    expect([analyst.code, analyst.stderr]).toEqual([0, '']);
    expect(analyst.stdout).toMatch(/^shq_\S+\n$/);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^Added admin ann@example\.com \(op_\w+\) to workspace default\nPassword: \S{12,}\n$/);
    const annPassword = /Password: (\S+)/.exec(added.stdout)![1]!;
    expect([dup.code, dup.stderr]).toEqual([2, 'shequn: An operator with e-mail admin@shequn.local already exists\n']);
    expect([nows.code, nows.stdout, nows.stderr]).toEqual([2, '', 'shequn: No workspace with slug "nosuch"\n']);

    const t = await apiOn(db);
    try {
      const base = t.api.base;
      const me = await new Client(base, adminToken).get('/api/v1/auth/me');
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ actor: { kind: 'token', role: 'admin' }, workspace: { slug: 'default' } });
      const reader = new Client(base, analyst.stdout.trim());
      expect((await reader.get('/api/v1/members')).status).toBe(200);
      expect((await reader.post('/api/v1/members', { displayName: '不该写入' })).status).toBe(403);
      for (const [email, password] of [['admin@shequn.local', adminPassword], ['ann@example.com', annPassword]] as const) {
        const s = await new Client(base).post('/api/v1/auth/sign-in', { email, password });
        expect(s.status, email).toBe(200);
      }
      const audit = await t.api.get('/api/v1/audit-log?limit=50');
      const actions = audit.body.items.map((e: any) => `${e.action}:${e.actor.type}`);
      expect(actions).toEqual(expect.arrayContaining(['operator.create:system', 'token.create:cli', 'operator.create:cli']));
      expect(audit.body.items.find((e: any) => e.action === 'operator.create' && e.actor.type === 'cli').actor.name).toMatch(/^cli:/);
    } finally {
      await t.close();
    }
  }, 60_000);
});

describe('serve', () => {
  it('serves the API on the configured database and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/shequn.js'), 'serve', '--port', '0'], {
      cwd: ROOT, env: cliEnv(db, { HOST: '127.0.0.1', SHEQUN_LOG_LEVEL: 'warn' }), stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (b: Buffer) => {
          stdout += b.toString();
          const m = /running at (http:\/\/\S+) \(database: (.+)\)/.exec(stdout);
          if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'));
        });
        void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
      });
      expect(stdout).toContain(dialect === 'sqlite' ? `(database: ${db.url})` : '(database: PostgreSQL)');
      // The workspace and owner made by the CLI before: no second first start.
      expect(stdout).not.toMatch(/First start/);
      expect((await new Client(url).get('/healthz')).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
