// `shequn demo`: a deterministic, realistic Chinese demo workspace. The same seed gives the same
// communities, groups, members, accounts and numbers, ids included; the six months of activity
// always end at the runtime clock's now. A workspace that already holds data is refused unless the
// caller asks for a reset, so a demo never mixes with real members.
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { cliActor, ctxFor, ensureDefaultWorkspace, type Runtime } from '../bootstrap.ts';
import { ShequnError, conflict, invalid } from '../kernel/errors.ts';
import { recordAudit } from '../modules/audit/index.ts';
import { rebuildRollups } from '../modules/analytics/index.ts';
import { DEFAULT_WORKSPACE_SLUG, ensureWorkspace, type Workspace } from '../modules/workspace/index.ts';
import { fillWorkspace } from './generate.ts';
import { hashString, mix } from './prng.ts';
import { defaultActivities, validateDemoOptions } from './options.ts';
import { DAY, WINDOW_DAYS } from './timeline.ts';

export * from './options.ts';

export interface DemoOptions {
  members: number;
  seed: number;
  /** About how many activities in all (default: 25 per member, at most 6,000,000). */
  activities?: number;
  workspaceSlug?: string;
  /** Delete the workspace's communities, groups, members and activities first (operators, tokens and the audit log stay). */
  reset?: boolean;
  onProgress?: (phase: string, done: number, total: number) => void;
  /** Rows per transaction (default: see bulk-writer.ts); for benchmarks. */
  batchRows?: number;
}

export interface DemoSummary {
  workspace: { id: string; slug: string; name: string };
  seed: number;
  members: number;
  communities: number;
  phases: number;
  groupSets: number;
  groups: number;
  identities: number;
  memberships: number;
  memberNumbers: number;
  searchTerms: number;
  activities: number;
  /** The activity window: six months ending at the runtime clock's now. */
  from: string;
  to: string;
  elapsedMs: number;
  /** Who signs in: a fresh data folder's first owner with the password, or the existing owner and where the password is. */
  admin: { email: string; password?: string; passwordHint?: string } | null;
}

const DEMO_TABLES = [
  'rollup_queue', 'activity_days', 'group_spans', 'activity_hours', 'member_periods', 'period_actives', 'member_milestones', 'milestone_days', 'cohort_periods', 'cohort_milestones', 'scope_events', 'content_days', 'analytics_snapshots', 'analytics_state', 'voice_days', 'term_days', 'voice_negatives', 'voice_checkpoints', 'alerts', 'plan_actuals', 'plans', 'circle_tasks', 'costs', 'event_supporters',
  'highlights', 'tasks', 'points', 'badges', 'rule_checkpoints', 'outbox', 'blacklist', 'questions', 'reports', 'uploads', 'member_sessions', 'join_requests', 'invites', 'rules', 'activities', 'member_terms', 'member_numbers', 'number_sequences', 'memberships', 'identities', 'members', 'groups', 'group_sets', 'phases', 'communities',
  // Kept by triggers on memberships and groups: emptied after them, or their deletes would count seats out again.
  'scope_seats', 'scope_member_seats', 'member_counts',
] as const;

async function holdsData(rt: Runtime, ws: string): Promise<{ members: boolean; communities: boolean }> {
  const k = rt.db.kysely;
  const m = await k.selectFrom('members').select('id').where('workspace_id', '=', ws).limit(1).executeTakeFirst();
  const c = await k.selectFrom('communities').select('id').where('workspace_id', '=', ws).limit(1).executeTakeFirst();
  return { members: !!m, communities: !!c };
}

async function clearWorkspace(rt: Runtime, ws: string): Promise<void> {
  await rt.db.kysely.transaction().execute(async (trx) => {
    for (const t of DEMO_TABLES) await trx.deleteFrom(t).where('workspace_id', '=', ws).execute();
  });
}

async function adminFor(rt: Runtime, ws: Workspace, initial?: { email: string; password: string }): Promise<DemoSummary['admin']> {
  if (initial) return { email: initial.email, password: initial.password };
  const owner = await rt.db.kysely
    .selectFrom('operators').select('email').where('workspace_id', '=', ws.id).where('role', '=', 'owner').where('disabled', '=', 0)
    .orderBy('created_at').limit(1).executeTakeFirst();
  if (!owner) return null;
  const file = path.join(rt.config.dataDir, 'initial-admin.txt');
  const passwordHint = fs.existsSync(file)
    ? `the first password is in ${file}`
    : rt.config.adminPassword ? 'the password was set by SHEQUN_ADMIN_PASSWORD' : 'the password was chosen when this owner was created';
  return { email: owner.email, passwordHint };
}

export async function generateDemo(rt: Runtime, opts: DemoOptions): Promise<DemoSummary> {
  const errors = validateDemoOptions(opts);
  if (errors.length) throw invalid(errors, 'Invalid demo options');
  const started = Date.now();
  const slug = opts.workspaceSlug ?? DEFAULT_WORKSPACE_SLUG;
  let workspace: Workspace;
  let initialAdmin: { email: string; password: string } | undefined;
  if (slug === DEFAULT_WORKSPACE_SLUG) ({ workspace, initialAdmin } = await ensureDefaultWorkspace(rt));
  else {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) throw invalid([{ field: '--workspace', reason: 'a slug is lower-case letters, digits and dashes' }], 'Invalid demo options');
    ({ workspace } = await ensureWorkspace(rt.db.kysely, rt, slug, `演示工作区 Demo (${slug})`));
  }

  const held = await holdsData(rt, workspace.id);
  if (held.members || held.communities) {
    if (!opts.reset) {
      throw conflict(
        `Workspace "${workspace.slug}" already has ${held.members ? 'members' : 'communities'}; the demo only fills an empty workspace. ` +
          'Run it again with --reset to delete its communities, groups, members and activities first, or pick another --workspace.',
        { workspace: workspace.slug },
      );
    }
    opts.onProgress?.('reset', 0, 1);
    await clearWorkspace(rt, workspace.id);
    opts.onProgress?.('reset', 1, 1);
  }

  const now = rt.clock.now();
  const restore = tuneSqlite(rt, opts.members);
  let pass;
  try {
    pass = await fillWorkspace(rt.db, workspace.id, {
      members: opts.members, seed: opts.seed, idSeed: mix(opts.seed, hashString(workspace.slug)), now,
      activities: opts.activities ?? defaultActivities(opts.members), onProgress: opts.onProgress, batchRows: opts.batchRows,
    });
  } catch (e) {
    throw e instanceof ShequnError ? e : new ShequnError('internal', `The demo stopped half-way (${(e as Error).message}); run it again with --reset`, { cause: String(e) });
  } finally {
    restore();
  }

  opts.onProgress?.('finishing', 0, 1);
  const ctx = ctxFor(rt, workspace, { ...cliActor('demo'), kind: 'system' });
  await ctx.transaction(async (tx) => {
    for (const s of pass.secretaries) await tx.tdb.updateTable('groups').set({ secretary_type: 'member', secretary_id: s.memberId }).where('id', '=', s.groupId).execute();
    for (const [key, memberId] of Object.entries(pass.leaders)) {
      if (memberId) await tx.tdb.updateTable('communities').set({ leader_member_id: memberId }).where('id', '=', pass.communities[key as keyof typeof pass.leaders].id).execute();
    }
    await recordAudit(tx, 'demo.generate', { type: 'workspace', id: workspace.id }, { members: opts.members, seed: opts.seed, activities: pass.written.activities });
  });
  // Statistics first: PostgreSQL plans the rebuild's reads of a million fresh activities by member range from them
  // (with none, a read of that kind was once planned as a bitmap scan of every activity of the workspace).
  await ctx.tdb.refreshStatistics();
  // The rows went in by the bulk writer, past the rollups: count them all at once, with the bigger page cache.
  const untune = tuneSqlite(rt, opts.members);
  try {
    // Nothing else writes to the new demo workspace meanwhile: the rebuild may commit slice by slice.
    await rebuildRollups(ctx, { inPieces: true, onProgress: (n) => opts.onProgress?.('rollups', n, pass.written.activities) });
  } finally {
    untune();
  }
  // Fresh statistics, or PostgreSQL plans the first searches over millions of rows as if the tables were empty.
  if (rt.db.dialect === 'postgres') await rt.db.pgPool!.query(`ANALYZE ${DEMO_TABLES.join(', ')}`);
  opts.onProgress?.('finishing', 1, 1);

  const w = pass.written;
  return {
    workspace: { id: workspace.id, slug: workspace.slug, name: workspace.name },
    seed: opts.seed,
    members: w.members, communities: w.communities, phases: w.phases, groupSets: w.group_sets, groups: w.groups, identities: w.identities,
    memberships: w.memberships, memberNumbers: w.member_numbers, searchTerms: w.member_terms, activities: w.activities,
    from: new Date(now - WINDOW_DAYS * DAY).toISOString(), to: new Date(now).toISOString(),
    elapsedMs: Date.now() - started,
    admin: await adminFor(rt, workspace, initialAdmin),
  };
}

/**
 * A bigger page cache while loading (2 KiB per member, from 256 MiB up to a quarter of the machine's memory):
 * postings and activities by time land on random pages of indexes that outgrow the usual 64 MiB, and the
 * rollup rebuild upserts day rows all over its tables once a slice. Restored afterwards.
 */
function tuneSqlite(rt: Runtime, members: number): () => void {
  const db = rt.db.sqlite;
  if (!db) return () => {};
  const before = db.pragma('cache_size', { simple: true }) as number;
  const kib = Math.min(Math.floor(os.totalmem() / 4096), Math.max(1 << 18, 2 * members));
  db.pragma(`cache_size = -${kib}`);
  return () => db.pragma(`cache_size = ${before}`);
}
