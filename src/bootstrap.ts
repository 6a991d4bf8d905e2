// Composition root shared by the server and the CLI: config → database → migrations → default workspace.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import { SecretBox } from './kernel/secrets.ts';
import { randomIds, systemClock, type Clock, type IdGenerator } from './kernel/clock.ts';
import { Ctx, type Actor } from './kernel/context.ts';
import { migrateToLatest, openDatabase, type Db } from './kernel/db/connect.ts';
import { TenantDb } from './kernel/db/tenant.ts';
import { ShequnError } from './kernel/errors.ts';
import type { EventPublisher } from './kernel/events.ts';
import { createLogger, type Logger } from './kernel/logger.ts';
import { createOperator } from './modules/operator/index.ts';
import { DEFAULT_WORKSPACE_SLUG, ensureWorkspace, findWorkspaceBySlug, type Workspace } from './modules/workspace/index.ts';

export interface Runtime {
  config: Config;
  db: Db;
  log: Logger;
  clock: Clock;
  ids: IdGenerator;
  /** Where domain events go (the real-time hub when a server runs); nowhere when unset. */
  events?: EventPublisher;
  /** Seals and opens stored credentials; the key is read (or first made) on first use. */
  secrets(): SecretBox;
}

export async function openRuntime(config: Config, opts: { log?: Logger; clock?: Clock; ids?: IdGenerator } = {}): Promise<Runtime> {
  const log = opts.log ?? createLogger(config.logLevel);
  const db = openDatabase(config.database);
  try {
    await migrateToLatest(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  let box: SecretBox | undefined;
  const secrets = () => {
    if (!box) {
      const opened = SecretBox.open(config.secretKey, config.dataDir);
      if (opened.source === 'file') log.warn({ file: `${config.dataDir}/secret.key` }, 'credentials are sealed with a key kept in the data folder; set SHEQUN_SECRET_KEY in production');
      box = opened.box;
    }
    return box;
  };
  return { config, db, log, clock: opts.clock ?? systemClock, ids: opts.ids ?? randomIds, secrets };
}

/** Actor for work started from the command line on this machine (it has the owner's rights). */
export const cliActor = (name = 'cli'): Actor => ({ kind: 'cli', id: null, name, role: 'owner', scope: null });

export function ctxFor(rt: Runtime, workspace: Workspace, actor: Actor = cliActor()): Ctx {
  return new Ctx(new TenantDb(rt.db.kysely, workspace.id, rt.db.sqlite), actor, rt.clock, rt.ids, rt.log.child({ workspaceId: workspace.id }), rt.events);
}

export async function resolveWorkspace(rt: Runtime, slug: string | undefined): Promise<Workspace> {
  if (!slug) return (await ensureDefaultWorkspace(rt)).workspace;
  const ws = await findWorkspaceBySlug(rt.db.kysely, slug);
  if (!ws) throw new ShequnError('not_found', `No workspace with slug "${slug}"`, { field: '--workspace' });
  return ws;
}

/**
 * The first start creates the default workspace and its first owner. The password comes from
 * SHEQUN_ADMIN_PASSWORD or is generated, printed once and kept in <data>/initial-admin.txt (mode 600).
 */
export async function ensureDefaultWorkspace(rt: Runtime): Promise<{ workspace: Workspace; initialAdmin?: { email: string; password: string } }> {
  const { workspace } = await ensureWorkspace(rt.db.kysely, rt, DEFAULT_WORKSPACE_SLUG, '默认工作区 Default workspace');
  const anyOperator = () => rt.db.kysely.selectFrom('operators').select('id').where('workspace_id', '=', workspace.id).limit(1).executeTakeFirst();
  if (await anyOperator()) return { workspace };
  const password = rt.config.adminPassword ?? randomBytes(12).toString('base64url');
  try {
    await createOperator(ctxFor(rt, workspace, { ...cliActor('first start'), kind: 'system' }), {
      email: rt.config.adminEmail, name: '管理员 Admin', role: 'owner', password,
    });
  } catch (err) {
    // Another process made the first owner meanwhile (two commands on a new data folder at once): it said so.
    if (err instanceof ShequnError && err.code === 'conflict' && (await anyOperator())) return { workspace };
    throw err;
  }
  if (!rt.config.adminPassword) {
    fs.mkdirSync(rt.config.dataDir, { recursive: true });
    const file = path.join(rt.config.dataDir, 'initial-admin.txt');
    fs.writeFileSync(file, `email: ${rt.config.adminEmail}\npassword: ${password}\n`, { mode: 0o600 });
  }
  return { workspace, initialAdmin: { email: rt.config.adminEmail, password } };
}
