// The rollups the dashboards read equal a raw recomputation from the activities, whatever the order of
// writes: random batches with late activities (far in the past), repeated ones (the same source id, a
// no-op) and anonymous ones, members merged, split and erased in between. The expected figures are
// computed here from the raw rows with plain date arithmetic (Asia/Shanghai has no DST: UTC+8), not with
// the product's code, join cohorts included (a late join moves a member's cohort). A rebuild from scratch
// gives the same rows again. Writes are queued and counted by the runner in batches of any size between the
// other operations, and the rest when the rollups are read.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ctxFor } from '../src/bootstrap.ts';
import { sql } from 'kysely';
import { catchUpRollups, rebuildRollups, runRollups } from '../src/modules/analytics/index.ts';
import { migrateToLatest } from '../src/kernel/db/connect.ts';
import { dropRollupIndexes, ROLLUP_INDEXES } from '../src/kernel/db/rollup-indexes.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { expectStatus, makeCommunity, makeGroup, makeMember, otherWorkspace, mergeSlots, splitLastMerge } from './helpers/api.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.stop();
});

const DAY = 86_400_000;
const BASE = Date.UTC(2026, 9, 1);
const KINDS = ['message', 'message', 'message', 'join', 'leave', 'reaction', 'purchase', 'consultation', 'click', 'service', 'attendance'] as const;
const SOURCES = [null, 'OGC', 'PGC', 'UGC'] as const;

type Row = { kind: string; member_id: string | null; group_id: string | null; occurred_at: number; payload: string; content_source: string | null };

/** What each rollup table should hold, from the raw activities. */
function expected(rows: Row[], communityOf: Map<string, string>) {
  const days = new Map<string, number[]>();
  const hours = new Map<string, number>();
  const periods = new Map<string, number[]>();
  const milestones = new Map<string, number[]>();
  const events = new Map<string, number[]>();
  const content = new Map<string, number>();
  const bump = (m: Map<string, number[]>, k: string, v: number[], merge: (a: number[], b: number[]) => number[]) => m.set(k, m.has(k) ? merge(m.get(k)!, v) : v);
  const add = (a: number[], b: number[]) => a.map((x, i) => x + b[i]!);
  for (const r of rows) {
    const local = Number(r.occurred_at) + 8 * 3_600_000;
    const day = Math.floor(local / DAY);
    const hour = Math.floor((local % DAY) / 3_600_000);
    const d = new Date(day * DAY);
    const week = `w${String(Math.floor((day + 3) / 7)).padStart(5, '0')}`;
    const month = `m${String(d.getUTCFullYear() * 12 + d.getUTCMonth()).padStart(6, '0')}`;
    const scopes = ['', ...(r.group_id ? [`c:${communityOf.get(r.group_id)}`, r.group_id] : [])];
    const amount = r.kind === 'purchase' ? Number(JSON.parse(r.payload).amountCents ?? 0) : 0;
    const active = !['join', 'leave', 'service'].includes(r.kind);
    const event = r.kind === 'attendance' ? (JSON.parse(r.payload).eventId ?? null) : null;
    for (const s of scopes) {
      bump(days, `${s}|${day}|${r.kind}`, [1, amount], add);
      if (event) bump(events, `${s}|${event}`, [r.occurred_at, 1], (a, b) => [Math.min(a[0]!, b[0]!), a[1]! + b[1]!]);
      if (r.content_source) content.set(`${s}|${day}|${r.content_source}`, (content.get(`${s}|${day}|${r.content_source}`) ?? 0) + 1);
      if (r.kind === 'message') hours.set(`${s}|${day}|${hour}`, (hours.get(`${s}|${day}|${hour}`) ?? 0) + 1);
      if (!r.member_id) continue;
      if (active) {
        for (const p of s === '' ? [`d${String(day).padStart(6, '0')}`, week, month] : [week, month]) periods.set(`${s}|${r.member_id}|${p}`, []);
      }
      const ms = ['join', 'consultation', 'purchase'].includes(r.kind) ? r.kind : active ? 'active' : null;
      if (ms) bump(milestones, `${s}|${r.member_id}|${ms}`, [r.occurred_at, r.occurred_at, 1, amount], (a, b) => [Math.min(a[0]!, b[0]!), Math.max(a[1]!, b[1]!), a[2]! + b[2]!, a[3]! + b[3]!]);
    }
  }
  const actives = new Map<string, number>();
  for (const k of periods.keys()) {
    const [s, , p] = k.split('|');
    actives.set(`${s}|${p}`, (actives.get(`${s}|${p}`) ?? 0) + 1);
  }
  // Join cohorts by the local day of the member's first join in the scope: weeks and months active, and
  // each milestone's count with the wait from the join to its first reach. First reaches by their day.
  const joinAt = (s: string, m: string) => milestones.get(`${s}|${m}|join`)?.[0];
  const joinDay = (at: number) => Math.floor((at + 8 * 3_600_000) / DAY);
  const cohortPeriods = new Map<string, number>();
  for (const k of periods.keys()) {
    const [s, m, p] = k.split('|') as [string, string, string];
    const j = joinAt(s, m);
    if (j === undefined || p.startsWith('d')) continue;
    const ck = `${s}|${joinDay(j)}|${p}`;
    cohortPeriods.set(ck, (cohortPeriods.get(ck) ?? 0) + 1);
  }
  const cohortMilestones = new Map<string, number[]>();
  for (const [k, [first]] of milestones) {
    const [s, m, ms] = k.split('|') as [string, string, string];
    const j = joinAt(s, m);
    if (j === undefined) continue;
    bump(cohortMilestones, `${s}|${joinDay(j)}|${ms}`, [1, Math.max(0, first! - j)], add);
  }
  const milestoneDays = new Map<string, number>();
  for (const [k, [first]] of milestones) {
    const [s, , ms] = k.split('|') as [string, string, string];
    const dk = `${s}|${joinDay(first!)}|${ms}`;
    milestoneDays.set(dk, (milestoneDays.get(dk) ?? 0) + 1);
  }
  // Each group's messages, joins, leaves and purchase amounts over aligned blocks of 2^0 … 2^8 days.
  const groupSpans = new Map<string, number[]>();
  const figures = ['message', 'join', 'leave', 'purchase'];
  for (const [k, [n, amount]] of days) {
    const [s, day, kind] = k.split('|') as [string, string, string];
    const f = figures.indexOf(kind);
    if (s === '' || s.startsWith('c:') || f < 0) continue;
    const v = figures.map((_, i) => (i !== f ? 0 : kind === 'purchase' ? amount! : n!));
    for (let level = 0; level <= 8; level++) bump(groupSpans, `${s}|${level * 2 ** 20 + Number(day) - (Number(day) % 2 ** level)}`, v, add);
  }
  return { days, hours, periods, milestones, actives, events, content, cohortPeriods, cohortMilestones, milestoneDays, groupSpans };
}

async function actual(ws: string) {
  const db = t.server.rt.db.kysely as any;
  const sel = (table: string): Promise<any[]> => db.selectFrom(table).selectAll().where('workspace_id', '=', ws).execute();
  const num = (v: unknown) => Number(v);
  return {
    days: new Map((await sel('activity_days')).map((r) => [`${r.scope}|${r.day}|${r.kind}`, [num(r.n), num(r.amount)]])),
    groupSpans: new Map((await sel('group_spans')).map((r) => [`${r.scope}|${r.span}`, [num(r.messages), num(r.joins), num(r.leaves), num(r.revenue)]])),
    hours: new Map((await sel('activity_hours')).map((r) => [`${r.scope}|${r.day}|${r.hour}`, num(r.n)])),
    periods: new Map((await sel('member_periods')).map((r) => [`${r.scope}|${r.member_id}|${r.period}`, []])),
    milestones: new Map((await sel('member_milestones')).map((r) => [`${r.scope}|${r.member_id}|${r.milestone}`, [num(r.first_at), num(r.last_at), num(r.n), num(r.amount)]])),
    // A period whose every member was merged away or erased keeps a row at zero.
    events: new Map((await sel('scope_events')).map((r) => [`${r.scope}|${r.event_key}`, [num(r.first_at), num(r.attendances)]])),
    content: new Map((await sel('content_days')).map((r) => [`${r.scope}|${r.day}|${r.source}`, num(r.n)])),
    actives: new Map((await sel('period_actives')).filter((r) => num(r.n) !== 0).map((r) => [`${r.scope}|${r.period}`, num(r.n)])),
    milestoneDays: new Map((await sel('milestone_days')).map((r) => [`${r.scope}|${r.day}|${r.milestone}`, num(r.n)])),
    cohortPeriods: new Map((await sel('cohort_periods')).map((r) => [`${r.scope}|${r.join_day}|${r.period}`, num(r.n)])),
    cohortMilestones: new Map((await sel('cohort_milestones')).map((r) => [`${r.scope}|${r.join_day}|${r.milestone}`, [num(r.n), num(r.wait)]])),
  };
}

const sorted = <V>(m: Map<string, V>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

type Op =
  | { op: 'write'; items: { kind: number; member: number | null; group: number | null; at: number; sid: number; amount: number; source: number; event: number }[] }
  | { op: 'merge'; kept: number; merged: number }
  | { op: 'split' }
  | { op: 'delete'; member: number }
  | { op: 'count'; limit: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({
    op: fc.constant('write' as const),
    items: fc.array(fc.record({
      kind: fc.nat(KINDS.length - 1), member: fc.option(fc.nat(5), { freq: 5 }), group: fc.option(fc.nat(3), { freq: 6 }),
      source: fc.nat(SOURCES.length - 1), event: fc.nat(3),
      // Up to 70 days back from the base and 2 days on: late and out-of-order writes.
      at: fc.integer({ min: -70 * DAY, max: 2 * DAY }), sid: fc.nat(60), amount: fc.nat(100_000),
    }), { minLength: 1, maxLength: 40 }),
  }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('merge' as const), kept: fc.nat(5), merged: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('split' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), member: fc.nat(5) }) },
  // The rollup runner counting part of the queue (at least one write's rows) between writes.
  { weight: 2, arbitrary: fc.record({ op: fc.constant('count' as const), limit: fc.integer({ min: 1, max: 60 }) }) },
);

let run = 0;
const TABLES = ['days', 'groupSpans', 'hours', 'periods', 'milestones', 'actives', 'events', 'content', 'cohortPeriods', 'cohortMilestones', 'milestoneDays'] as const;

describe('analytics rollups', () => {
  it('equal a raw recomputation after any mix of late, repeated and anonymous activities, merges, splits and erasures', async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), async (ops) => {
      const { workspace, api } = await otherWorkspace(t, `rollup-${run++}`);
      const c1 = await makeCommunity(api);
      const c2 = await makeCommunity(api);
      const groups = [await makeGroup(api, c1.id), await makeGroup(api, c1.id), await makeGroup(api, c2.id), await makeGroup(api, c2.id)];
      const members: (string | null)[] = [];
      for (let i = 0; i < 6; i++) members.push((await makeMember(api)).id);
      const merges: string[] = [];
      for (const o of ops) {
        if (o.op === 'write') {
          const activities = o.items.map((a) => {
            const kind = KINDS[a.kind]!;
            const member = a.member === null ? null : members[a.member];
            return {
              kind, occurredAt: new Date(BASE + a.at).toISOString(), source: 'prop', sourceId: `s${a.sid}`,
              ...(member ? { memberId: member } : {}), ...(a.group !== null ? { groupId: groups[a.group].id } : {}),
              payload: kind === 'purchase' ? { amountCents: a.amount } : kind === 'attendance' && a.event ? { eventId: `e${a.event}` } : {},
              ...(SOURCES[a.source] ? { contentSource: SOURCES[a.source] } : {}),
            };
          });
          expectStatus(await api.post('/api/v1/activities/batch', { activities }), 200);
        } else if (o.op === 'merge') {
          await mergeSlots(api, members, merges, o.kept, o.merged);
        } else if (o.op === 'split') {
          await splitLastMerge(api, members, merges);
        } else if (o.op === 'count') {
          await runRollups(ctxFor(t.server.rt, workspace), o.limit);
        } else {
          const id = members[o.member];
          if (!id) continue;
          expectStatus(await api.delete(`/api/v1/members/${id}`), 204);
          members[o.member] = null;
        }
      }
      const db = t.server.rt.db.kysely;
      // What is still queued is counted as a dashboard read would count it.
      await catchUpRollups(ctxFor(t.server.rt, workspace));
      expect(await db.selectFrom('rollup_queue').select('id').where('workspace_id', '=', workspace.id).execute()).toEqual([]);
      const raw = await db.selectFrom('activities').select(['kind', 'member_id', 'group_id', 'occurred_at', 'payload', 'content_source']).where('workspace_id', '=', workspace.id).execute();
      const communityOf = new Map(groups.map((g) => [g.id as string, g.communityId as string]));
      const want = expected(raw.map((r) => ({ ...r, occurred_at: Number(r.occurred_at) })), communityOf);
      const got = await actual(workspace.id);
      for (const k of TABLES) expect(sorted(got[k] as Map<string, unknown>), k).toEqual(sorted(want[k] as Map<string, unknown>));
      // A rebuild from scratch lands on the same rows, its members cut into slices of a few activities.
      await rebuildRollups(ctxFor(t.server.rt, workspace), { slice: 4 });
      const again = await actual(workspace.id);
      for (const k of TABLES) expect(sorted(again[k] as Map<string, unknown>), k).toEqual(sorted(want[k] as Map<string, unknown>));
    }), { numRuns: 12, endOnFailure: true });
  }, 240_000);

  it('counts a write after a rebuild moved the day boundaries on the new days, as a rebuild would', async () => {
    const { workspace, api } = await otherWorkspace(t, 'rollup-epoch');
    const group = await makeGroup(api, (await makeCommunity(api)).id);
    const member = (await makeMember(api)).id;
    const say = (sourceId: string, at: string) => ({ kind: 'message', memberId: member, groupId: group.id, occurredAt: at, source: 'epoch', sourceId, payload: {} });
    const ctx = ctxFor(t.server.rt, workspace);
    const dayOf = async () => (await t.server.rt.db.kysely.selectFrom('member_periods').select('period').where('workspace_id', '=', workspace.id).where('scope', '=', '')
      .where('period', 'like', 'd%').execute()).map((r) => r.period).sort();
    // 10:00 on 10-10 in Shanghai.
    expectStatus(await api.post('/api/v1/activities/batch', { activities: [say('e1', '2026-10-10T02:00:00Z')] }), 200);
    await runRollups(ctx);
    const oct10 = await dayOf();
    expect(oct10).toHaveLength(1);
    // In Los Angeles the same instant is on 10-09: that day's row replaces the 10-10 one.
    await rebuildRollups(ctx, { timezone: 'America/Los_Angeles' });
    expect(await dayOf()).not.toEqual(oct10);
    // 13:00 on 10-10 in Los Angeles: a day the member was active on in Shanghai's days, not in Los Angeles's.
    expectStatus(await api.post('/api/v1/activities/batch', { activities: [say('e2', '2026-10-10T20:00:00Z')] }), 200);
    await runRollups(ctx);
    const days = await dayOf();
    expect(days).toHaveLength(2);
    expect(days).toEqual(expect.arrayContaining(oct10));
    // And the incremental rows equal a rebuild's.
    const kept = await actual(workspace.id);
    await rebuildRollups(ctx);
    const rebuilt = await actual(workspace.id);
    for (const k of TABLES) expect(sorted(kept[k] as Map<string, unknown>), k).toEqual(sorted(rebuilt[k] as Map<string, unknown>));
  });

  it('drops the rollup indexes for a big rebuild and makes them again as they were, whether in one transaction or in pieces', async () => {
    const { workspace, api } = await otherWorkspace(t, 'rollup-indexes');
    const group = await makeGroup(api, (await makeCommunity(api)).id);
    const members = [(await makeMember(api)).id, (await makeMember(api)).id];
    const activities = Array.from({ length: 40 }, (_, i) => ({
      kind: i % 7 === 0 ? 'purchase' : 'message', memberId: members[i % 2], groupId: group.id, occurredAt: new Date(BASE + i * 9 * 3_600_000).toISOString(),
      source: 'idx', sourceId: `i${i}`, payload: i % 7 === 0 ? { amountCents: 100 + i } : {},
    }));
    expectStatus(await api.post('/api/v1/activities/batch', { activities }), 200);
    const ctx = ctxFor(t.server.rt, workspace);
    await catchUpRollups(ctx);
    const kept = await actual(workspace.id);
    const defs = await indexDefinitions();
    expect(Object.keys(defs).sort()).toEqual(ROLLUP_INDEXES.map((i) => i.name).sort());
    for (const inPieces of [false, true]) {
      const r = await rebuildRollups(ctx, { dropIndexes: true, inPieces });
      expect(r.indexMs).not.toBeNull();
      expect(await indexDefinitions()).toEqual(defs);
      const rebuilt = await actual(workspace.id);
      for (const k of TABLES) expect(sorted(rebuilt[k] as Map<string, unknown>), k).toEqual(sorted(kept[k] as Map<string, unknown>));
    }
    // A small workspace keeps them (the default), and a rebuild that stopped half-way has them made again at the next start.
    expect((await rebuildRollups(ctx)).indexMs).toBeNull();
    await dropRollupIndexes(t.server.rt.db.kysely);
    expect(await indexDefinitions()).toEqual({});
    await migrateToLatest(t.server.rt.db);
    expect(await indexDefinitions()).toEqual(defs);
  });
});

/** The rollup indexes' definitions as the database states them, by name. */
async function indexDefinitions(): Promise<Record<string, string>> {
  const db = t.server.rt.db;
  const names = ROLLUP_INDEXES.map((i) => i.name);
  const rows = db.dialect === 'sqlite'
    ? (await sql<{ name: string; def: string }>`select name, sql as def from sqlite_master where type = 'index' and name in (${sql.join(names)})`.execute(db.kysely)).rows
    : (await sql<{ name: string; def: string }>`select indexname as name, indexdef as def from pg_indexes where schemaname = current_schema() and indexname in (${sql.join(names)})`.execute(db.kysely)).rows;
  // SQLite keeps the statement as it was written: quoting aside, the migration's and the rebuild's must match.
  return Object.fromEntries(rows.map((r) => [r.name, r.def.replaceAll('"', '')]));
}
