// dashboards: the evaluation dashboards (overview, funnel, retention, group health) read from the rollups, on
// BENCH_DASH_MEMBERS demo members and about BENCH_DASH_ACTIVITIES activities (default 1,000,000 / 20,000,000),
// on SQLite and PostgreSQL, beside the same aggregates computed by a raw scan of the activities in an
// in-memory DuckDB loaded (through its appender) from the same data in the same run. DuckDB's answers must equal
// the dashboards' (headline figures of every query) or the comparison is meaningless and the run fails.
//
// The dataset is built once per dialect by the demo generator under .bench-data/dashboards-<m>-<a>/ (SQLite) or
// in database shequn_bench_dash_<m>_<a> (PostgreSQL), with a `.ready` marker, and reopened by later runs. The
// runtime clock is fixed (NOW below), so the demo's six-month window, the "today" of the dashboards and the
// ids' randomness aside, every run and both dialects see the same data.
//
// Queries: each of overview, funnel, retention (week) and groups (the health board), for the workspace, the
// busiest community and the busiest group, over the 30 and 90 days ending at the dataset's now; a warm-up,
// then BENCH_DASH_ROUNDS rounds (default 30) of every query in turn; p50 and p95 per query.
//
// Rollup share of ingest. Method: the dataset also holds two scratch workspaces (`dash-ingest-a`, `-b`) built
// by the demo generator with the same seed and size (BENCH_DASH_SCRATCH_MEMBERS, default min(members, 20,000)),
// so they are identical up to ids; they live in the same database as the big workspace, so the activities and
// rollup tables (and their B-trees) are the full-size ones. Each run first puts both back in their built state
// (deletes the previous run's ingested activities, rebuilds their rollups, which only reads their own rows).
// The stream: BENCH_DASH_INGEST activities (default 200,000) sampled from the scratch workspace's own
// activities (so realistic kinds, members, groups and payloads), re-timed onto the last 7 days before NOW with
// the same hour-of-week, in time order, source `bench-ingest`. It goes through writeActivities in batches of
// 1,000 (audit: false, as chat streams are written), into A with `rollups: false` and into B with rollups,
// batch by batch alternately (and alternating which goes first), so that drift (cache, WAL, checkpoints)
// falls on both alike. B's writes queue their activities for the rollups; whenever B's queue holds a runner's
// batch (ROLLUP_BATCH), the runner counts it, as the engine does, and the rest is counted at the end. T_with
// is B's writes plus every run of the runner. share = (T_with − T_without) / T_with. Then B's rollups must
// count every activity of B.
//
// BENCH_DASH_DIALECTS=sqlite|postgres|both (or a comma list). BENCH_DASH_DUCKDB_ROUNDS (default: the rounds).
// BENCH_DASH_PHASES=queries,ingest,duckdb (default all). BENCH_DASH_ACCEPT_STALE=1 reuses a dataset built under
// other migrations (development only: the ingest phase's rollup rebuild may then fail).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { loadConfig } from '../src/config.ts';
import { ctxFor, openRuntime, resolveWorkspace, type Runtime } from '../src/bootstrap.ts';
import type { Ctx } from '../src/kernel/context.ts';
import { findWorkspaceBySlug, type Workspace } from '../src/modules/workspace/index.ts';
import { generateDemo } from '../src/demo/index.ts';
import { catchUpRollups, funnel, groupHealth, overview, rebuildRollups, retention, ROLLUP_BATCH, runRollups } from '../src/modules/analytics/index.ts';
import { amountOf, communityScope } from '../src/modules/analytics/rollup.ts';
import { DAY, dayDate, dayStart, localDayHour, monthOf, monthStartDay, weekOf, weekStartDay } from '../src/modules/analytics/calendar.ts';
import { writeActivities } from '../src/modules/activity/index.ts';
import type { ActivityInput } from '../src/modules/activity/activity.schema.ts';
import { log, now, percentile, pgAdmin, pgUrlFor, prng, report } from './lib.ts';
import type { Bench } from './registry.ts';

const env = process.env;
const MEMBERS = Number(env.BENCH_DASH_MEMBERS ?? 1_000_000);
const ACTIVITIES = Number(env.BENCH_DASH_ACTIVITIES ?? 20_000_000);
const ROUNDS = Number(env.BENCH_DASH_ROUNDS ?? 30);
const DUCK_ROUNDS = Number(env.BENCH_DASH_DUCKDB_ROUNDS ?? ROUNDS);
const WARMUP = 2;
const INGEST = Number(env.BENCH_DASH_INGEST ?? 200_000);
const BATCH = 1000;
const SCRATCH_MEMBERS = Number(env.BENCH_DASH_SCRATCH_MEMBERS ?? Math.min(MEMBERS, 20_000));
const SCRATCH = ['dash-ingest-a', 'dash-ingest-b'] as const;
const SEED = 20261127;
/** The dataset's now: a fixed clock, so the demo window and the dashboards' today agree across runs. */
const NOW = Date.parse('2026-11-27T21:30:00+08:00');
export const clock = { now: () => NOW };
const dataDir = path.resolve('.bench-data', `dashboards-${MEMBERS}-${ACTIVITIES}`);
const pgName = `shequn_bench_dash_${MEMBERS}_${ACTIVITIES}`;
const BENCH = 'dashboards';
const HOUR = 3_600_000;
const WEEK = 7 * DAY;

type Dialect = 'sqlite' | 'postgres';

/** The schema the dataset was built with: a changed migration (even one edited in place) means a rebuild. */
/** The migrations this process runs, read once at its start: a build records the schema it was built with, even if the files change meanwhile. */
const SCHEMA = (() => {
  const dir = path.resolve('src/kernel/db/migrations');
  const h = createHash('sha256');
  for (const f of fs.readdirSync(dir).sort()) h.update(f).update(fs.readFileSync(path.join(dir, f)));
  return h.digest('hex').slice(0, 16);
})();

function isReady(marker: string): boolean {
  if (!fs.existsSync(marker)) return false;
  let schema: unknown;
  try {
    schema = (JSON.parse(fs.readFileSync(marker, 'utf8')) as { schema?: unknown }).schema;
  } catch {
    schema = undefined;
  }
  if (schema === SCHEMA || env.BENCH_DASH_ACCEPT_STALE === '1') return true;
  log(`${marker}: built with another schema (the migrations changed); rebuilding`);
  fs.rmSync(marker);
  return false;
}

/** Builds (once) and reopens the demo dataset; later runs reuse it. */
async function dataset(dialect: Dialect): Promise<Runtime> {
  const cfg: Record<string, string> = { SHEQUN_DATA_DIR: dataDir, SHEQUN_LOG_LEVEL: 'error' };
  const marker = path.join(dataDir, `${dialect}.ready`);
  isReady(marker);
  if (dialect === 'postgres') {
    cfg.SHEQUN_DATABASE_URL = pgUrlFor(pgName);
    if (!fs.existsSync(marker)) {
      await pgAdmin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`);
        await c.query(`CREATE DATABASE ${pgName}`);
      });
    }
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const config = loadConfig(cfg);
  // A half-built SQLite file (an interrupted build) goes; the PostgreSQL database was recreated above.
  if (config.database.dialect === 'sqlite' && !fs.existsSync(marker)) for (const f of ['', '-wal', '-shm']) fs.rmSync(config.database.file + f, { force: true });
  const rt = await openRuntime(config, { clock });
  if (!fs.existsSync(marker)) {
    const t0 = now();
    const progress = (label: string) => {
      let last = 0;
      return (phase: string, done: number, total: number) => {
        if (now() - last < 15_000 && done !== total) return;
        last = now();
        log(`  ${label} ${phase} ${done.toLocaleString()}/${total.toLocaleString()} (${((now() - t0) / 1000).toFixed(0)} s)`);
      };
    };
    log(`building ${MEMBERS.toLocaleString()} members / ${ACTIVITIES.toLocaleString()} activities on ${dialect} (once; cached in ${dialect === 'sqlite' ? dataDir : pgName})…`);
    const main = await generateDemo(rt, { members: MEMBERS, seed: SEED, activities: ACTIVITIES, onProgress: progress('main') });
    log(`  main workspace: ${main.activities.toLocaleString()} activities, ${main.groups} groups, ${main.memberships.toLocaleString()} memberships, window ${main.from} … ${main.to} (${((now() - t0) / 1000).toFixed(0)} s)`);
    for (const slug of SCRATCH) {
      const s = await generateDemo(rt, { members: SCRATCH_MEMBERS, seed: SEED, activities: SCRATCH_MEMBERS * 20, workspaceSlug: slug, onProgress: progress(slug) });
      log(`  scratch ${slug}: ${s.activities.toLocaleString()} activities`);
    }
    // A bulk load leaves the visibility map unset: index-only scans would visit the heap for every row.
    if (dialect === 'postgres') await rt.db.pgPool!.query('VACUUM (ANALYZE)');
    else rt.db.sqlite!.exec('ANALYZE');
    const buildS = (now() - t0) / 1000;
    log(`built in ${buildS.toFixed(0)} s`);
    fs.writeFileSync(marker, JSON.stringify({ schema: SCHEMA, builtAt: new Date().toISOString(), buildS, from: main.from, to: main.to, activities: main.activities }));
  }
  return rt;
}

// ---- the query set ----

interface Q {
  name: string;
  kind: 'overview' | 'funnel' | 'retention' | 'groups';
  scope: { kind: 'workspace' } | { kind: 'community'; id: string } | { kind: 'group'; id: string };
  days: number;
}

/** The busiest community and group (by activities in the rollups), named by their demo source ids so both dialects pick the same. */
async function pickScopes(ctx: Ctx): Promise<{ community: string; group: string }> {
  const rows = await ctx.tdb.selectFrom('activity_days').select(['scope', (eb) => eb.fn.sum<number>('n').as('n')]).where('scope', '!=', '').groupBy('scope').execute();
  const sorted = rows.map((r) => ({ scope: r.scope, n: Number(r.n) })).sort((a, b) => b.n - a.n || (a.scope < b.scope ? -1 : 1));
  const community = sorted.find((r) => r.scope.startsWith('c:'))!.scope.slice(2);
  const group = sorted.find((r) => !r.scope.startsWith('c:'))!.scope;
  return { community, group };
}

function querySet(scopes: { community: string; group: string }): Q[] {
  const out: Q[] = [];
  for (const days of [30, 90]) {
    for (const scope of [{ kind: 'workspace' as const }, { kind: 'community' as const, id: scopes.community }, { kind: 'group' as const, id: scopes.group }]) {
      for (const kind of ['overview', 'funnel', 'retention', 'groups'] as const) out.push({ name: `${kind}_${scope.kind}_${days}d`, kind, scope, days });
    }
  }
  return out;
}

const TZ = 'Asia/Shanghai';
const today = () => localDayHour(NOW, TZ).day;
function rangeOf(q: Q) {
  const lastDay = today();
  const firstDay = lastDay - q.days + 1;
  return { firstDay, lastDay, from: dayDate(firstDay), to: dayDate(lastDay), fromAt: dayStart(firstDay, TZ), toAt: dayStart(lastDay + 1, TZ) };
}

async function runDashboard(ctx: Ctx, q: Q) {
  const r = rangeOf(q);
  const dq = { from: r.from, to: r.to, ...(q.scope.kind === 'community' ? { communityId: q.scope.id } : q.scope.kind === 'group' ? { groupId: q.scope.id } : {}) };
  switch (q.kind) {
    case 'overview': return overview(ctx, dq);
    case 'funnel': return funnel(ctx, dq);
    case 'retention': return retention(ctx, { ...dq, period: 'week' });
    case 'groups': return groupHealth(ctx, dq);
  }
}

/** The figures both sides must agree on, as a canonical JSON string. */
type Headline = Record<string, unknown>;

function headlineOfDashboard(q: Q, res: Awaited<ReturnType<typeof runDashboard>>): Headline {
  if (q.kind === 'overview') {
    const o = res as Awaited<ReturnType<typeof overview>>;
    return {
      people: o.scale.people, seats: o.scale.seats, joins: o.scale.joins, leaves: o.scale.leaves, messages: o.activity.messages, activities: o.activity.activities,
      weeklyActive: o.activity.weeklyActive, monthlyActive: o.activity.monthlyActive, purchases: o.revenue.purchases, amountCents: o.revenue.amountCents,
      dailyMessages: o.days.map((d) => d.messages), dailyActive: o.days.map((d) => d.active), weeks: o.weeks.map((w) => w.active), months: o.months.map((m) => m.active),
      heatmap: o.heatmap,
    };
  }
  if (q.kind === 'funnel') {
    const f = res as Awaited<ReturnType<typeof funnel>>;
    return Object.fromEntries(f.stages.map((s) => [s.stage, { reached: s.reachedInRange, cohort: s.fromJoinCohort, meanDays: s.meanDaysFromJoin === null ? null : Math.round(s.meanDaysFromJoin * 1000) / 1000 }]));
  }
  if (q.kind === 'retention') {
    const r = res as Awaited<ReturnType<typeof retention>>;
    return Object.fromEntries(r.cohorts.map((c) => [c.cohort, { members: c.members, active: c.active }]));
  }
  const g = res as Awaited<ReturnType<typeof groupHealth>>;
  return Object.fromEntries([...g.items].sort((a, b) => (a.groupId < b.groupId ? -1 : 1)).map((i) => [i.groupId, [i.seats, i.messages, i.joins, i.leaves, i.weeklyActive]]));
}

interface DialectResult {
  dialect: Dialect;
  p95: Map<string, number>;
  p50: Map<string, number>;
  headlines: Map<string, Headline>;
  queries: Q[];
}

async function measureQueries(rt: Runtime, ws: Workspace, dialect: Dialect, rounds: number): Promise<DialectResult> {
  const ctx = ctxFor(rt, ws);
  const queries = querySet(await pickScopes(ctx));
  const headlines = new Map<string, Headline>();
  for (const q of queries) headlines.set(q.name, headlineOfDashboard(q, await runDashboard(ctx, q)));
  for (let r = 0; r < (rounds ? WARMUP : 0); r++) for (const q of queries) await runDashboard(ctx, q);
  const times = new Map<string, number[]>(queries.map((q) => [q.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const t0 = now();
      await runDashboard(ctx, q);
      times.get(q.name)!.push(now() - t0);
    }
  }
  const p95 = new Map<string, number>();
  const p50 = new Map<string, number>();
  for (const [name, t] of times) {
    t.sort((a, b) => a - b);
    p95.set(name, percentile(t, 95));
    p50.set(name, percentile(t, 50));
  }
  return { dialect, p95, p50, headlines, queries };
}

// ---- rollup share of ingest ----

/** Puts a scratch workspace back as built: no ingested activities, rollups recounted. */
async function resetScratch(rt: Runtime, ws: Workspace): Promise<void> {
  const ctx = ctxFor(rt, ws);
  const del = await ctx.tdb.deleteFrom('activities').where('source', '=', 'bench-ingest').executeTakeFirst();
  const state = await ctx.tdb.selectFrom('analytics_state').select('rebuilt_at').executeTakeFirst();
  if (Number(del.numDeletedRows) > 0 || !state?.rebuilt_at) await rebuildRollups(ctx);
}

/** The same stream for both scratch workspaces: rows picked by their (deterministic) demo source ids. */
async function ingestStreams(rt: Runtime, a: Workspace, b: Workspace): Promise<[ActivityInput[], ActivityInput[]]> {
  const load = async (ws: Workspace) => {
    const rows = await ctxFor(rt, ws).tdb.selectFrom('activities').select(['source_id', 'kind', 'member_id', 'group_id', 'occurred_at', 'content_source', 'payload'])
      .where('source', '=', 'demo').orderBy('source_id').execute();
    return rows;
  };
  const ra = await load(a);
  const rb = await load(b);
  if (ra.length !== rb.length || ra.some((r, i) => r.source_id !== rb[i]!.source_id || r.kind !== rb[i]!.kind)) throw new Error('the scratch workspaces differ; delete the dataset and rebuild it');
  const rand = prng(SEED);
  const picks: { i: number; at: number }[] = [];
  const windowStart = NOW - WEEK;
  for (let k = 0; k < INGEST; k++) {
    const i = Math.floor(rand() * ra.length);
    // The same hour of the week, in the last 7 days before now.
    const at = windowStart + ((((Number(ra[i]!.occurred_at) - windowStart) % WEEK) + WEEK) % WEEK);
    picks.push({ i, at });
  }
  picks.sort((x, y) => x.at - y.at || x.i - y.i);
  const toInput = (rows: typeof ra) => picks.map(({ i, at }, k): ActivityInput => {
    const r = rows[i]!;
    return {
      kind: r.kind, memberId: r.member_id, groupId: r.group_id, occurredAt: new Date(at).toISOString(),
      contentSource: r.content_source as ActivityInput['contentSource'], payload: JSON.parse(r.payload), source: 'bench-ingest', sourceId: `i${String(k).padStart(7, '0')}`,
    };
  });
  return [toInput(ra), toInput(rb)];
}

export async function measureIngest(rt: Runtime, dialect: Dialect): Promise<{ share: number; withRps: number; withoutRps: number; tWith: number; tWithout: number }> {
  const [a, b] = await Promise.all(SCRATCH.map((s) => findWorkspaceBySlug(rt.db.kysely, s)));
  if (!a || !b) throw new Error('scratch workspaces missing; delete the dataset and rebuild it');
  let t0 = now();
  await resetScratch(rt, a);
  await resetScratch(rt, b);
  const [sa, sb] = await ingestStreams(rt, a, b);
  log(`${dialect} ingest: scratch reset and ${INGEST.toLocaleString()}-activity stream ready in ${((now() - t0) / 1000).toFixed(1)} s`);
  const ca = ctxFor(rt, a);
  const cb = ctxFor(rt, b);
  let tWithout = 0;
  let tWith = 0;
  const without = async (i: number) => {
    const s = now();
    await writeActivities(ca, sa.slice(i, i + BATCH), undefined, { audit: false, rollups: false });
    tWithout += now() - s;
  };
  let queued = 0;
  let runnerMs = 0;
  const count = async (all: boolean) => {
    const s = now();
    if (all) await catchUpRollups(cb);
    else await runRollups(cb);
    runnerMs += now() - s;
    tWith += now() - s;
    queued = 0;
  };
  const withRollups = async (i: number) => {
    const s = now();
    await writeActivities(cb, sb.slice(i, i + BATCH), undefined, { audit: false });
    tWith += now() - s;
    queued += Math.min(BATCH, INGEST - i);
    if (queued >= ROLLUP_BATCH) await count(false);
  };
  t0 = now();
  let lastLog = t0;
  for (let i = 0, n = 0; i < INGEST; i += BATCH, n++) {
    if (n % 2 === 0) await without(i), await withRollups(i);
    else await withRollups(i), await without(i);
    if (now() - lastLog > 15_000) {
      lastLog = now();
      log(`  ${dialect} ingest ${(i + BATCH).toLocaleString()}/${INGEST.toLocaleString()} (${((now() - t0) / 1000).toFixed(0)} s)`);
    }
  }
  await count(true);
  log(`${dialect} ingest: the rollup runner took ${(runnerMs / 1000).toFixed(1)} s of B's ${(tWith / 1000).toFixed(1)} s`);
  // Both got every row, and B's rollups count every one of its activities.
  for (const ws of [a, b]) {
    const n = await ctxFor(rt, ws).tdb.selectFrom('activities').select((eb) => eb.fn.countAll<number>().as('n')).where('source', '=', 'bench-ingest').executeTakeFirstOrThrow();
    if (Number(n.n) !== INGEST) throw new Error(`${ws.slug}: ${n.n} ingested rows, expected ${INGEST}`);
  }
  const all = await cb.tdb.selectFrom('activities').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const counted = await cb.tdb.selectFrom('activity_days').select((eb) => eb.fn.sum<number>('n').as('n')).where('scope', '=', '').executeTakeFirstOrThrow();
  if (Number(counted.n) !== Number(all.n)) throw new Error(`${b.slug}: the rollups count ${counted.n} activities of ${all.n}`);
  return { share: (tWith - tWithout) / tWith, withRps: INGEST / (tWith / 1000), withoutRps: INGEST / (tWithout / 1000), tWith, tWithout };
}

// ---- DuckDB: the same aggregates by a raw scan ----

const OFF = 8 * HOUR; // Asia/Shanghai, without daylight saving since 1991
const PASSIVE = `('join','leave','service')`;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const dayExpr = `((ts + ${OFF}) // ${DAY})`;

async function loadDuck(rt: Runtime, ws: Workspace): Promise<{ duck: DuckDBConnection; close: () => void }> {
  const tz = (await ctxFor(rt, ws).tdb.selectFrom('analytics_state').select('timezone').executeTakeFirst())?.timezone;
  if (tz !== TZ) throw new Error(`analytics time zone is ${tz}; the DuckDB side assumes ${TZ}`);
  const inst = await DuckDBInstance.create(':memory:');
  const duck = await inst.connect();
  await duck.run(`CREATE TABLE acts (kind VARCHAR NOT NULL, member_id VARCHAR, group_id VARCHAR, ts BIGINT NOT NULL, amount BIGINT NOT NULL)`);
  await duck.run(`CREATE TABLE grp (id VARCHAR NOT NULL, community_id VARCHAR NOT NULL)`);
  await duck.run(`CREATE TABLE ms (member_id VARCHAR NOT NULL, group_id VARCHAR NOT NULL)`);
  await duck.run(`CREATE TABLE mem (id VARCHAR NOT NULL)`);
  const t0 = now();
  let n = 0;
  const app = await duck.createAppender('acts');
  const add = (kind: string, member: string | null, group: string | null, at: number, payload: string | null) => {
    app.appendVarchar(kind);
    if (member === null) app.appendNull(); else app.appendVarchar(member);
    if (group === null) app.appendNull(); else app.appendVarchar(group);
    app.appendBigInt(BigInt(at));
    app.appendBigInt(BigInt(payload === null ? 0 : amountOf(kind, payload)));
    app.endRow();
    if (++n % 2_000_000 === 0) log(`  duckdb: ${n.toLocaleString()} activities appended (${((now() - t0) / 1000).toFixed(0)} s)`);
  };
  if (rt.db.sqlite) {
    const st = rt.db.sqlite.prepare(`SELECT kind, member_id, group_id, occurred_at, CASE WHEN kind = 'purchase' THEN payload END FROM activities WHERE workspace_id = ?`).raw(true);
    for (const r of st.iterate(ws.id) as Iterable<[string, string | null, string | null, number, string | null]>) add(r[0], r[1], r[2], Number(r[3]), r[4]);
  } else {
    const c = new pg.Client({ connectionString: pgUrlFor(pgName) });
    await c.connect();
    try {
      let after = '';
      for (;;) {
        const res = await c.query<{ id: string; kind: string; member_id: string | null; group_id: string | null; occurred_at: string; p: string | null }>(
          `SELECT id, kind, member_id, group_id, occurred_at, CASE WHEN kind = 'purchase' THEN payload END AS p FROM activities WHERE workspace_id = $1 AND id > $2 ORDER BY id LIMIT 100000`, [ws.id, after]);
        if (!res.rows.length) break;
        for (const r of res.rows) add(r.kind, r.member_id, r.group_id, Number(r.occurred_at), r.p);
        after = res.rows[res.rows.length - 1]!.id;
      }
    } finally {
      await c.end();
    }
  }
  app.closeSync();
  const k = rt.db.kysely;
  const ga = await duck.createAppender('grp');
  for (const g of await k.selectFrom('groups').select(['id', 'community_id']).where('workspace_id', '=', ws.id).execute()) (ga.appendVarchar(g.id), ga.appendVarchar(g.community_id), ga.endRow());
  ga.closeSync();
  const ma = await duck.createAppender('ms');
  for (const m of await k.selectFrom('memberships').select(['member_id', 'group_id']).where('workspace_id', '=', ws.id).where('left_at', 'is', null).execute()) (ma.appendVarchar(m.member_id), ma.appendVarchar(m.group_id), ma.endRow());
  ma.closeSync();
  const mm = await duck.createAppender('mem');
  for (const m of await k.selectFrom('members').select('id').where('workspace_id', '=', ws.id).execute()) (mm.appendVarchar(m.id), mm.endRow());
  mm.closeSync();
  const s = (now() - t0) / 1000;
  log(`duckdb: loaded ${n.toLocaleString()} activities (+ groups, current memberships, members) in ${s.toFixed(1)} s (${Math.round(n / s).toLocaleString()} rows/s)`);
  report(BENCH, 'duckdb_load_rows_per_s', n / s, 'rows/s');
  return { duck, close: () => (duck.closeSync(), inst.closeSync()) };
}

async function rows(duck: DuckDBConnection, sqlText: string): Promise<Record<string, unknown>[]> {
  return (await duck.runAndReadAll(sqlText)).getRowObjectsJS() as Record<string, unknown>[];
}
const N = (v: unknown) => Number(v ?? 0);

/** The activity filter of a scope (community: its groups, as the rollups count them). */
function scopeWhere(q: Q): string {
  if (q.scope.kind === 'workspace') return 'TRUE';
  if (q.scope.kind === 'group') return `group_id = ${lit(q.scope.id)}`;
  return `group_id IN (SELECT id FROM grp WHERE community_id = ${lit(q.scope.id)})`;
}
function groupsWhere(q: Q, alias = ''): string {
  if (q.scope.kind === 'workspace') return 'TRUE';
  if (q.scope.kind === 'group') return `${alias}id = ${lit(q.scope.id)}`;
  return `${alias}community_id = ${lit(q.scope.id)}`;
}
const weeksIn = (first: number, last: number) => Array.from({ length: weekOf(last) - weekOf(first) + 1 }, (_, i) => weekOf(first) + i);
const monthsIn = (first: number, last: number) => Array.from({ length: monthOf(last) - monthOf(first) + 1 }, (_, i) => monthOf(first) + i);
const monthExpr = (d: string) => `(year(DATE '1970-01-01' + CAST(${d} AS INTEGER)) * 12 + month(DATE '1970-01-01' + CAST(${d} AS INTEGER)) - 1)`;

async function duckQuery(duck: DuckDBConnection, q: Q): Promise<Headline> {
  const r = rangeOf(q);
  const S = scopeWhere(q);
  const inRange = `ts >= ${r.fromAt} AND ts < ${r.toAt}`;
  if (q.kind === 'overview') {
    const days = await rows(duck, `SELECT ${dayExpr} AS day, kind, count(*) AS n, sum(amount) AS amount FROM acts WHERE ${S} AND ${inRange} GROUP BY ALL`);
    const weeks = weeksIn(r.firstDay, r.lastDay);
    const months = monthsIn(r.firstDay, r.lastDay);
    const lo = Math.min(weekStartDay(weeks[0]!), monthStartDay(months[0]!));
    const hi = Math.max(weekStartDay(weeks[weeks.length - 1]! + 1), monthStartDay(months[months.length - 1]! + 1));
    const act = await rows(duck, `WITH a AS (SELECT DISTINCT member_id, ${dayExpr} AS d FROM acts WHERE ${S} AND member_id IS NOT NULL AND kind NOT IN ${PASSIVE} AND ts >= ${dayStart(lo, TZ)} AND ts < ${dayStart(hi, TZ)})
      SELECT 'd' AS t, d AS k, count(*) AS n FROM a WHERE d BETWEEN ${r.firstDay} AND ${r.lastDay} GROUP BY d
      UNION ALL SELECT 'w', (d + 3) // 7, count(DISTINCT member_id) FROM a WHERE (d + 3) // 7 BETWEEN ${weeks[0]} AND ${weeks[weeks.length - 1]} GROUP BY 2
      UNION ALL SELECT 'm', ${monthExpr('d')}, count(DISTINCT member_id) FROM a WHERE ${monthExpr('d')} BETWEEN ${months[0]} AND ${months[months.length - 1]} GROUP BY 2`);
    const heat = await rows(duck, `SELECT (${dayExpr} + 3) % 7 AS wd, ((ts + ${OFF}) % ${DAY}) // ${HOUR} AS h, count(*) AS n FROM acts WHERE ${S} AND kind = 'message' AND ${inRange} GROUP BY ALL`);
    const seat = (await rows(duck, `SELECT count(*) AS seats, count(DISTINCT member_id) AS people FROM ms WHERE ${q.scope.kind === 'workspace' ? 'TRUE' : `group_id IN (SELECT id FROM grp WHERE ${groupsWhere(q)})`}`))[0]!;
    const people = q.scope.kind === 'workspace' ? N((await rows(duck, 'SELECT count(*) AS n FROM mem'))[0]!.n) : N(seat.people);
    const total = (k: string) => days.filter((d) => d.kind === k).reduce((s, d) => s + N(d.n), 0);
    const dayList = Array.from({ length: r.lastDay - r.firstDay + 1 }, (_, i) => r.firstDay + i);
    const actives = new Map(act.map((a) => [`${a.t}${N(a.k)}`, N(a.n)]));
    const heatmap = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
    for (const h of heat) heatmap[N(h.wd)]![N(h.h)] = N(h.n);
    return {
      people, seats: N(seat.seats), joins: total('join'), leaves: total('leave'), messages: total('message'),
      activities: days.filter((d) => !['join', 'leave', 'service'].includes(String(d.kind))).reduce((s, d) => s + N(d.n), 0),
      weeklyActive: actives.get(`w${weeks[weeks.length - 1]}`) ?? 0, monthlyActive: actives.get(`m${months[months.length - 1]}`) ?? 0,
      purchases: total('purchase'), amountCents: days.filter((d) => d.kind === 'purchase').reduce((s, d) => s + N(d.amount), 0),
      dailyMessages: dayList.map((d) => days.filter((x) => N(x.day) === d && x.kind === 'message').reduce((s, x) => s + N(x.n), 0)),
      dailyActive: dayList.map((d) => (q.scope.kind === 'workspace' ? actives.get(`d${d}`) ?? 0 : null)),
      weeks: weeks.map((w) => actives.get(`w${w}`) ?? 0), months: months.map((m) => actives.get(`m${m}`) ?? 0),
      heatmap,
    };
  }
  if (q.kind === 'funnel') {
    const res = await rows(duck, `WITH m AS (
        SELECT member_id, CASE WHEN kind IN ('join','consultation','purchase') THEN kind ELSE 'active' END AS milestone, min(ts) AS first_at
        FROM acts WHERE ${S} AND member_id IS NOT NULL AND kind NOT IN ('leave','service') GROUP BY ALL)
      SELECT 'r' AS t, milestone, count(*) AS n, 0 AS wait FROM m WHERE first_at >= ${r.fromAt} AND first_at < ${r.toAt} GROUP BY milestone
      UNION ALL SELECT 'c', m.milestone, count(*), sum(CASE WHEN m.first_at > j.first_at THEN m.first_at - j.first_at ELSE 0 END)
        FROM m j JOIN m ON m.member_id = j.member_id WHERE j.milestone = 'join' AND j.first_at >= ${r.fromAt} AND j.first_at < ${r.toAt} GROUP BY m.milestone`);
    const get = (t: string, m: string) => res.find((x) => x.t === t && x.milestone === m);
    return Object.fromEntries(['join', 'active', 'consultation', 'purchase'].map((m) => {
      const c = get('c', m);
      const n = N(c?.n);
      return [m, { reached: N(get('r', m)?.n), cohort: n, meanDays: n && m !== 'join' ? Math.round((N(c!.wait) / n / DAY) * 1000) / 1000 : null }];
    }));
  }
  if (q.kind === 'retention') {
    const res = await rows(duck, `WITH j AS (SELECT member_id, min(ts) AS first_at FROM acts WHERE ${S} AND kind = 'join' AND member_id IS NOT NULL GROUP BY member_id
        HAVING min(ts) >= ${r.fromAt} AND min(ts) < ${r.toAt}),
      c AS (SELECT member_id, ((((first_at + ${OFF}) // ${DAY}) + 3) // 7) AS c0 FROM j),
      p AS (SELECT DISTINCT member_id, ((${dayExpr} + 3) // 7) AS w FROM acts WHERE ${S} AND member_id IS NOT NULL AND kind NOT IN ${PASSIVE} AND member_id IN (SELECT member_id FROM j))
      SELECT c.c0, -1 AS k, count(*) AS n FROM c GROUP BY c.c0
      UNION ALL SELECT c.c0, p.w - c.c0, count(*) FROM c JOIN p ON p.member_id = c.member_id WHERE p.w >= c.c0 GROUP BY ALL`);
    const lastIndex = weekOf(today());
    const cohorts = new Map<number, { members: number; active: Map<number, number> }>();
    for (const x of res) {
      const c0 = N(x.c0);
      let c = cohorts.get(c0);
      if (!c) cohorts.set(c0, (c = { members: 0, active: new Map() }));
      if (N(x.k) < 0) c.members = N(x.n);
      else c.active.set(N(x.k), N(x.n));
    }
    return Object.fromEntries([...cohorts].sort(([a], [b]) => a - b).map(([c0, c]) => [dayDate(weekStartDay(c0)), {
      members: c.members, active: Array.from({ length: Math.max(0, lastIndex - c0 + 1) }, (_, k) => c.active.get(k) ?? 0),
    }]));
  }
  // groups: per group of the scope, messages / joins / leaves in range, the trend window, mean weekly actives, seats.
  const weeks = weeksIn(r.firstDay, r.lastDay);
  const trendFrom = r.lastDay - 27;
  const lo = Math.min(r.firstDay, trendFrom, weekStartDay(weeks[0]!));
  const hi = Math.max(r.lastDay + 1, weekStartDay(weeks[weeks.length - 1]! + 1));
  const G = `group_id IN (SELECT id FROM grp WHERE ${groupsWhere(q)})`;
  const res = await rows(duck, `WITH a AS (SELECT group_id, kind, member_id, ${dayExpr} AS d FROM acts WHERE ${G} AND ts >= ${dayStart(lo, TZ)} AND ts < ${dayStart(hi, TZ)}),
    s AS (SELECT group_id,
        count(*) FILTER (WHERE kind = 'message' AND d >= ${r.firstDay} AND d <= ${r.lastDay}) AS messages,
        count(*) FILTER (WHERE kind = 'join' AND d >= ${r.firstDay} AND d <= ${r.lastDay}) AS joins,
        count(*) FILTER (WHERE kind = 'leave' AND d >= ${r.firstDay} AND d <= ${r.lastDay}) AS leaves
      FROM a GROUP BY group_id),
    w AS (SELECT group_id, count(*) AS actives FROM (SELECT DISTINCT group_id, member_id, (d + 3) // 7 AS wk FROM a
        WHERE member_id IS NOT NULL AND kind NOT IN ${PASSIVE} AND (d + 3) // 7 BETWEEN ${weeks[0]} AND ${weeks[weeks.length - 1]}) GROUP BY group_id),
    st AS (SELECT group_id, count(*) AS seats FROM ms WHERE ${G} GROUP BY group_id)
    SELECT g.id, coalesce(st.seats, 0) AS seats, coalesce(s.messages, 0) AS messages, coalesce(s.joins, 0) AS joins, coalesce(s.leaves, 0) AS leaves, coalesce(w.actives, 0) AS actives
    FROM grp g LEFT JOIN s ON s.group_id = g.id LEFT JOIN w ON w.group_id = g.id LEFT JOIN st ON st.group_id = g.id WHERE ${groupsWhere(q, 'g.')} ORDER BY g.id`);
  return Object.fromEntries(res.map((x) => [x.id, [N(x.seats), N(x.messages), N(x.joins), N(x.leaves), Math.round((N(x.actives) / weeks.length) * 10) / 10]]));
}

function firstDifference(a: unknown, b: unknown, at = ''): string | null {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b) || a === b ? null : `${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
    if (d) return d;
  }
  return null;
}

async function measureDuck(duck: DuckDBConnection, results: DialectResult[]): Promise<Map<string, { p50: number; p95: number }>> {
  const queries = results[0]!.queries;
  for (const q of queries) {
    const h = await duckQuery(duck, q);
    for (const r of results) {
      const d = firstDifference(r.headlines.get(q.name), h);
      if (d) throw new Error(`${q.name}: ${r.dialect} dashboard and DuckDB disagree at ${d}`);
    }
  }
  log(`duckdb: every query's answer equals the dashboard's on ${results.map((r) => r.dialect).join(' and ')}`);
  for (const q of queries) await duckQuery(duck, q);
  const times = new Map<string, number[]>(queries.map((q) => [q.name, []]));
  for (let r = 0; r < DUCK_ROUNDS; r++) {
    for (const q of queries) {
      const t0 = now();
      await duckQuery(duck, q);
      times.get(q.name)!.push(now() - t0);
    }
  }
  return new Map([...times].map(([name, t]) => (t.sort((a, b) => a - b), [name, { p50: percentile(t, 50), p95: percentile(t, 95) }])));
}

// ---- the run ----

function worst(p95: Map<string, number>): [string, number] {
  return [...p95].sort((a, b) => b[1] - a[1])[0]!;
}

export const dashboardsBench: Bench = {
  name: 'dashboards',
  description: `dashboard query p95 on ${MEMBERS.toLocaleString()} members / ${ACTIVITIES.toLocaleString()} activities, rollup share of ingest, beside a raw scan in DuckDB`,
  async run() {
    const spec = env.BENCH_DASH_DIALECTS ?? 'both';
    const dialects = (spec === 'both' ? ['sqlite', 'postgres'] : spec.split(',')) as Dialect[];
    if (dialects.some((d) => d !== 'sqlite' && d !== 'postgres')) throw new Error(`BENCH_DASH_DIALECTS=${spec}: sqlite, postgres or both`);
    // BENCH_DASH_PHASES: any of queries, ingest, duckdb (default all); DuckDB's check always runs the dashboards once.
    const phases = new Set((env.BENCH_DASH_PHASES ?? 'queries,ingest,duckdb').split(','));
    const results: DialectResult[] = [];
    const shares: number[] = [];
    let duck: Awaited<ReturnType<typeof loadDuck>> | undefined;
    try {
      for (const dialect of dialects) {
        const t0 = now();
        const rt = await dataset(dialect);
        try {
          const ws = await resolveWorkspace(rt, undefined);
          log(`${dialect}: dataset ready (${((now() - t0) / 1000).toFixed(0)} s)${phases.has('queries') ? `; measuring ${ROUNDS} rounds of 24 queries…` : ''}`);
          const r = await measureQueries(rt, ws, dialect, phases.has('queries') ? ROUNDS : 0);
          results.push(r);
          if (phases.has('queries')) {
          for (const q of r.queries) {
            report(BENCH, `${dialect}_${q.name}_p50_ms`, r.p50.get(q.name)!, 'ms');
            report(BENCH, `${dialect}_${q.name}_p95_ms`, r.p95.get(q.name)!, 'ms');
          }
          const [wName, wMs] = worst(r.p95);
          log(`${dialect} worst p95: ${wName} ${wMs.toFixed(1)} ms; slowest: ${[...r.p95].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([n, ms]) => `${n} ${ms.toFixed(1)}`).join(', ')}`);
          report(BENCH, `${dialect}_worst_p95_ms`, wMs, 'ms');
          }
          if (phases.has('ingest')) {
          const ing = await measureIngest(rt, dialect);
          log(`${dialect} ingest of ${INGEST.toLocaleString()}: with rollups ${(ing.tWith / 1000).toFixed(1)} s (${Math.round(ing.withRps)} rows/s), without ${(ing.tWithout / 1000).toFixed(1)} s (${Math.round(ing.withoutRps)} rows/s); rollup share ${ing.share.toFixed(3)}`);
          report(BENCH, `${dialect}_ingest_with_rollups_rows_per_s`, ing.withRps, 'rows/s');
          report(BENCH, `${dialect}_ingest_without_rollups_rows_per_s`, ing.withoutRps, 'rows/s');
          report(BENCH, `${dialect}_rollup_share_of_ingest`, ing.share, 'x');
          shares.push(ing.share);
          }
          if (!duck && phases.has('duckdb')) duck = await loadDuck(rt, ws);
        } finally {
          await rt.db.close();
        }
      }
      // The headline share: the worse of the dialects measured.
      if (shares.length) report(BENCH, 'rollup_share_of_ingest', Math.max(...shares), 'x');
      if (!duck) return;
      const d = await measureDuck(duck.duck, results);
      for (const q of results[0]!.queries) {
        report(BENCH, `duckdb_${q.name}_p50_ms`, d.get(q.name)!.p50, 'ms');
        report(BENCH, `duckdb_${q.name}_p95_ms`, d.get(q.name)!.p95, 'ms');
      }
      const [dwName, dwMs] = worst(new Map([...d].map(([k, v]) => [k, v.p95])));
      log(`duckdb worst p95: ${dwName} ${dwMs.toFixed(1)} ms`);
      report(BENCH, 'duckdb_worst_p95_ms', dwMs, 'ms');
      if (phases.has('queries')) for (const r of results) report(BENCH, `${r.dialect}_worst_p95_ms_vs_duckdb`, worst(r.p95)[1] / dwMs, 'x');
    } finally {
      duck?.close();
    }
  },
};
