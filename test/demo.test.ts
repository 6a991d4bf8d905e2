// The demo generator end to end, on the dialect under test: determinism, the course's shape, numbers,
// search postings, the activity stream's rhythm, and that the running server finds demo members.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { openRuntime, type Runtime } from '../src/bootstrap.ts';
import type { Clock } from '../src/kernel/clock.ts';
import { ShequnError } from '../src/kernel/errors.ts';
import { generateDemo, type DemoSummary } from '../src/demo/index.ts';
import { CanvasSchema } from '../src/modules/community/index.ts';
import { memberTerms } from '../src/modules/member/member.terms.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { ADMIN, startTestServer, type Reply, type TestServer } from './helpers/server.ts';

const MEMBERS = 2000;
const SEED = 7;
const NOW = Date.parse('2025-06-15T12:00:00Z');
const DAY = 86_400_000;
const SLOW = 240_000;

async function runtimeFor(db: { url: string; dataDir: string }, now: number): Promise<Runtime> {
  const clock: Clock = { now: () => now };
  const config = loadConfig({ SHEQUN_DATA_DIR: db.dataDir, SHEQUN_DATABASE_URL: db.url, SHEQUN_LOG_LEVEL: 'silent', SHEQUN_ADMIN_PASSWORD: ADMIN.password });
  return openRuntime(config, { clock });
}

let t: TestServer;
let rt: Runtime;
let summary: DemoSummary;
let ws: string;
let other: TestDatabase | undefined;
let otherRt: Runtime | undefined;

beforeAll(async () => {
  t = await startTestServer();
  rt = await runtimeFor(t.db, NOW);
  summary = await generateDemo(rt, { members: MEMBERS, seed: SEED });
  ws = summary.workspace.id;
}, SLOW);

afterAll(async () => {
  await otherRt?.db.close();
  await other?.drop();
  await rt?.db.close();
  await t?.stop();
});

const k = () => rt.db.kysely;

describe('demo workspace', () => {
  it('fills the default workspace and names the owner who signs in', () => {
    expect(summary.workspace.slug).toBe('default');
    expect(summary.members).toBe(MEMBERS);
    expect(summary.communities).toBe(3);
    expect(summary.admin?.email).toBe(ADMIN.email);
    expect(summary.activities).toBeGreaterThan(MEMBERS * 20);
    expect(summary.activities).toBeLessThan(MEMBERS * 30);
  });

  it('is deterministic: the same seed gives the same members, phones and numbers in another database, whatever the clock', async () => {
    other = await createTestDatabase();
    otherRt = await runtimeFor(other, NOW + 3 * DAY + 12_345);
    const s2 = await generateDemo(otherRt, { members: MEMBERS, seed: SEED });
    const members = (r: Runtime, w: string) =>
      r.db.kysely.selectFrom('members').select(['id', 'display_name', 'phone', 'city', 'tags', 'referrer_id', 'stage']).where('workspace_id', '=', w).orderBy('id').execute();
    const numbers = (r: Runtime, w: string) =>
      r.db.kysely.selectFrom('memberships').select(['id', 'group_id', 'member_id', 'number_display', 'role']).where('workspace_id', '=', w).orderBy('id').execute();
    const a = await members(rt, ws);
    expect(a).toHaveLength(MEMBERS);
    expect(await members(otherRt, s2.workspace.id)).toEqual(a);
    expect(await numbers(otherRt, s2.workspace.id)).toEqual(await numbers(rt, ws));
    // A different seed is a different demo.
    const s3 = await generateDemo(otherRt, { members: MEMBERS, seed: SEED + 1, reset: true });
    const c = await members(otherRt, s3.workspace.id);
    expect(c.map((m) => m.phone)).not.toEqual(a.map((m) => m.phone));
  }, SLOW);

  it('refuses a workspace that already has data unless asked to reset it', async () => {
    const err = await generateDemo(rt, { members: 10, seed: SEED }).catch((e) => e);
    expect(err).toBeInstanceOf(ShequnError);
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/--reset/);
    await expect(generateDemo(rt, { members: 0, seed: SEED })).rejects.toMatchObject({ code: 'validation.failed' });
    await expect(generateDemo(rt, { members: 5_000_001, seed: -1 })).rejects.toMatchObject({ code: 'validation.failed' });
  });

  it('fills a second workspace in the same database with the same seed, without sharing a key', async () => {
    const s = await generateDemo(rt, { members: 300, seed: SEED, workspaceSlug: 'demo-two' });
    expect(s.workspace.slug).toBe('demo-two');
    expect(s.members).toBe(300);
    expect(s.admin).toBeNull();
    const counted = await k().selectFrom('members').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', s.workspace.id).executeTakeFirstOrThrow();
    expect(Number(counted.n)).toBe(300);
  }, SLOW);

  it('positions three communities with full canvases and gives the tea brand a phase plan', async () => {
    const rows = await k().selectFrom('communities').selectAll().where('workspace_id', '=', ws).orderBy('created_at').execute();
    expect(rows.map((r) => r.purpose).sort()).toEqual(['brand', 'learning', 'networking']);
    for (const r of rows) {
      const canvas = CanvasSchema.parse(JSON.parse(r.canvas));
      expect(canvas.sharedInterest.basis).not.toBeNull();
      expect(canvas.monetization.length).toBeGreaterThan(0);
      expect(canvas.lifecycle.startsOn).not.toBeNull();
      expect(r.leader_member_id).toMatch(/^mem_/);
    }
    const phases = await k().selectFrom('phases').selectAll().where('workspace_id', '=', ws).execute();
    expect(new Set(phases.map((p) => p.purpose))).toEqual(new Set(['sales', 'voice', 'pr']));
    expect(phases.every((p) => Number(p.budget_cents) > 0 && JSON.parse(p.platform_mix).length > 0)).toBe(true);
  });

  it('shapes the course like the real one: a ring core group of exactly 69 over pyramid QQ groups', async () => {
    const groups = await k().selectFrom('groups').selectAll().where('workspace_id', '=', ws).execute();
    const active = async (id: string) =>
      Number((await k().selectFrom('memberships').select((eb) => eb.fn.countAll<number>().as('n')).where('group_id', '=', id).where('left_at', 'is', null).executeTakeFirstOrThrow()).n);
    const core = groups.filter((g) => g.kind === 'core');
    expect(core).toHaveLength(1);
    expect(core[0]!.structure).toBe('ring');
    expect(await active(core[0]!.id)).toBe(69);
    const qq = groups.filter((g) => g.platform === 'qq');
    expect(qq).toHaveLength(8);
    expect(qq.every((g) => g.structure === 'pyramid' && g.kind === 'member')).toBe(true);
    // 2,000 members is a tenth of the reference size: 200 × 6, 150 and 100.
    expect(await Promise.all(qq.map((g) => active(g.id)))).toEqual([200, 200, 200, 200, 200, 200, 150, 100]);
    const tea = groups.filter((g) => g.name.includes('茶友') && g.kind === 'city');
    expect(tea.some((g) => g.platform === 'wechat') && tea.some((g) => g.platform === 'wecom')).toBe(true);
    expect(tea.every((g) => Number(g.capacity) === 500 && g.group_set_id)).toBe(true);
    expect(groups.find((g) => g.name === '上海茶友1群')).toBeDefined();
  });

  it('numbers members uniquely per scope, shows the prefix, and keeps the sequences in step', async () => {
    const nums = await k().selectFrom('member_numbers').selectAll().where('workspace_id', '=', ws).execute();
    const keys = new Set(nums.map((n) => `${n.number_scope}#${n.number}`));
    expect(keys.size).toBe(nums.length);
    expect(new Set(nums.map((n) => `${n.number_scope}#${n.member_id}`)).size).toBe(nums.length);
    const seqs = await k().selectFrom('number_sequences').selectAll().where('workspace_id', '=', ws).execute();
    for (const s of seqs) expect(Number(s.last_number)).toBe(Math.max(...nums.filter((n) => n.number_scope === s.scope_key).map((n) => Number(n.number))));
    const ms = await k()
      .selectFrom('memberships').innerJoin('groups', 'groups.id', 'memberships.group_id')
      .select(['memberships.number', 'memberships.number_display', 'memberships.number_scope', 'memberships.member_id', 'groups.id as gid', 'groups.community_id', 'groups.numbering', 'groups.kind', 'groups.platform'])
      .where('memberships.workspace_id', '=', ws).execute();
    const held = new Map(nums.map((n) => [`${n.number_scope}#${n.member_id}`, n.display]));
    for (const m of ms) {
      const numbering = JSON.parse(m.numbering);
      expect(m.number_scope).toBe(numbering.scope === 'community' ? `c:${m.community_id}` : `g:${m.gid}`);
      expect(m.number_display).toBe(`${numbering.prefix}${String(m.number).padStart(numbering.width, '0')}`);
      expect(held.get(`${m.number_scope}#${m.member_id}`)).toBe(m.number_display);
    }
    expect(ms.filter((m) => m.platform === 'qq').every((m) => m.number_display!.startsWith('QY-'))).toBe(true);
  });

  it('writes the search postings memberTerms() computes, and realistic unique phones', async () => {
    const sample = await k().selectFrom('members').selectAll().where('workspace_id', '=', ws).orderBy('phone').limit(60).execute();
    for (const m of sample) {
      const handles = await k().selectFrom('identities').select('handle').where('member_id', '=', m.id).execute();
      const groups = await k().selectFrom('memberships').select('group_id').where('member_id', '=', m.id).where('left_at', 'is', null).execute();
      const expected = memberTerms({
        displayName: m.display_name, phone: m.phone, tags: JSON.parse(m.tags), handles: handles.flatMap((h) => (h.handle ? [h.handle] : [])), groupIds: groups.map((g) => g.group_id),
      });
      const stored = await k().selectFrom('member_terms').select(['term', 'joined_at']).where('member_id', '=', m.id).execute();
      expect(stored.map((s) => s.term).sort()).toEqual([...expected].sort());
      expect(stored.every((s) => Number(s.joined_at) === Number(m.joined_at))).toBe(true);
      expect(m.phone_last4).toBe(m.phone!.slice(-4));
      expect(m.phone).toMatch(/^1[3-9]\d{9}$/);
      const history = JSON.parse(m.stage_history);
      expect(history[history.length - 1].stage).toBe(m.stage);
    }
    const phones = await k().selectFrom('members').select('phone').where('workspace_id', '=', ws).execute();
    expect(new Set(phones.map((p) => p.phone)).size).toBe(MEMBERS);
    const referred = await k().selectFrom('members as m').innerJoin('members as r', 'r.id', 'm.referrer_id').select(['m.joined_at as a', 'r.joined_at as b']).where('m.workspace_id', '=', ws).execute();
    expect(referred.length).toBeGreaterThan(MEMBERS / 10);
    expect(referred.every((x) => Number(x.b) <= Number(x.a))).toBe(true);
  });

  it('streams six months of activity with every kind, priced purchases, and joins and leaves that match the memberships', async () => {
    const kinds = await k().selectFrom('activities').select(['kind', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('occurred_at').as('first'), (eb) => eb.fn.max('occurred_at').as('last')])
      .where('workspace_id', '=', ws).groupBy('kind').execute();
    const byKind = new Map(kinds.map((r) => [r.kind, r]));
    for (const kind of ['message', 'join', 'leave', 'reaction', 'checkin', 'click', 'consultation', 'purchase', 'attendance']) expect(Number(byKind.get(kind)?.n ?? 0), kind).toBeGreaterThan(0);
    const first = Math.min(...kinds.map((r) => Number(r.first)));
    const last = Math.max(...kinds.map((r) => Number(r.last)));
    expect(last).toBeLessThanOrEqual(NOW);
    expect(NOW - last).toBeLessThan(DAY);
    expect((last - first) / DAY).toBeGreaterThan(170);
    expect((NOW - first) / DAY).toBeLessThan(184);
    const purchases = await k().selectFrom('activities').select('payload').where('workspace_id', '=', ws).where('kind', '=', 'purchase').execute();
    expect(purchases.every((p) => Number.isInteger(JSON.parse(p.payload).amountCents) && JSON.parse(p.payload).amountCents > 0)).toBe(true);
    const sources = await k().selectFrom('activities').select(['source', 'content_source']).where('workspace_id', '=', ws).where('kind', '=', 'message').execute();
    expect(new Set(sources.map((s) => s.content_source))).toEqual(new Set(['OGC', 'PGC', 'UGC']));
    expect(sources.every((s) => s.source === 'demo')).toBe(true);
    const ms = await k().selectFrom('memberships').select(['member_id', 'group_id', 'joined_at', 'left_at']).where('workspace_id', '=', ws).execute();
    const moves = await k().selectFrom('activities').select(['kind', 'member_id', 'group_id', 'occurred_at']).where('workspace_id', '=', ws).where('kind', 'in', ['join', 'leave']).execute();
    const key = (kind: string, m: string | null, g: string | null, at: number) => `${kind}|${m}|${g}|${at}`;
    const expected = ms.flatMap((m) => [key('join', m.member_id, m.group_id, Number(m.joined_at)), ...(m.left_at === null ? [] : [key('leave', m.member_id, m.group_id, Number(m.left_at))])]);
    expect(moves.map((a) => key(a.kind, a.member_id, a.group_id, Number(a.occurred_at))).sort()).toEqual(expected.sort());
  });

  it('has the weekly rhythm: evenings and weekends busier than weekday mornings', async () => {
    const rows = await k().selectFrom('activities').select('occurred_at').where('workspace_id', '=', ws).where('kind', '=', 'message').execute();
    const local = rows.map((r) => new Date(Number(r.occurred_at) + 8 * 3_600_000));
    const weekend = (d: Date) => d.getUTCDay() === 0 || d.getUTCDay() === 6;
    const perDay = (pick: (d: Date) => boolean, days: number) => local.filter(pick).length / days;
    expect(perDay(weekend, 2)).toBeGreaterThan(perDay((d) => !weekend(d), 5));
    const weekdayMorning = local.filter((d) => !weekend(d) && d.getUTCHours() >= 7 && d.getUTCHours() < 10).length;
    const weekdayEvening = local.filter((d) => !weekend(d) && d.getUTCHours() >= 19 && d.getUTCHours() < 22).length;
    expect(weekdayEvening).toBeGreaterThan(weekdayMorning * 1.5);
  });

  it('lets the running server find a demo member by two characters of the name', async () => {
    const m = await k().selectFrom('members').select(['id', 'display_name']).where('workspace_id', '=', ws).where('display_name', 'like', '___').orderBy('id').offset(123).limit(1).executeTakeFirstOrThrow();
    const q = Array.from(m.display_name).slice(1, 3).join('');
    let cursor: string | null = null;
    let found = false;
    for (let page = 0; page < 20 && !found; page++) {
      const res: Reply = await t.api.get(`/api/v1/members?q=${encodeURIComponent(q)}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      found = res.body.items.some((x: { id: string }) => x.id === m.id);
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(found).toBe(true);
  });
});
