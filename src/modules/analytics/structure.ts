// 结构 Structure: who the members are against whom the community is for. Distributions of gender, age,
// city, interest (tags), occupation, circle, source channel and platform, over the real people of a scope
// (a member in two groups counts once), a 0–100 persona-fit score against the community's target persona
// (canvas.persona) overall and by platform and by source channel, and the largest deviations in words;
// circles (圈层) and source channels compared on fit, retention, conversion and revenue.
// Members' profiles change slowly and a scope may hold a million of them, so the result is kept for an
// hour (or until asked to refresh) rather than recomputed on every view.
import type { Ctx } from '../../kernel/context.ts';
import { gender as genderVocab, memberCircle } from '../enums.ts';
import { resolveScope, type DashboardQuery, type Scope } from './dashboard.ts';

const STALE_MS = 3_600_000;
const PAGE = 5_000;
const TOP = 10;

interface Persona {
  genders: string[];
  ageMin: number | null;
  ageMax: number | null;
  cities: string[];
  interests: string[];
  occupations: string[];
}

export const DIMENSIONS = ['gender', 'age', 'city', 'interest', 'occupation', 'circle', 'sourceChannel', 'platform'] as const;
type Dimension = (typeof DIMENSIONS)[number];
const TARGETED = ['gender', 'age', 'city', 'interest', 'occupation'] as const;
type Targeted = (typeof TARGETED)[number];

/** Whether the persona names a target for the dimension (an empty list or no bounds is no target). */
const targeted = (d: Targeted, t: Persona): boolean =>
  d === 'gender' ? t.genders.length > 0 : d === 'age' ? t.ageMin !== null || t.ageMax !== null : d === 'city' ? t.cities.length > 0 : d === 'interest' ? t.interests.length > 0 : t.occupations.length > 0;

const AGE_BANDS: [string, number, number][] = [['≤17', 0, 17], ['18–25', 18, 25], ['26–30', 26, 30], ['31–40', 31, 40], ['41–50', 41, 50], ['51+', 51, 200]];
const ageBand = (age: number) => AGE_BANDS.find(([, lo, hi]) => age >= lo && age <= hi)![0];

interface Person {
  id: string;
  gender: string | null;
  age: number | null;
  city: string | null;
  interests: string[];
  occupation: string | null;
  circle: string | null;
  sourceChannel: string | null;
  platforms: string[];
  /** The member's milestones in the scope: when last active, whether they consulted, what they spent. */
  lastActiveAt: number | null;
  consulted: boolean;
  purchases: number;
  spentCents: number;
}

/** Counts per value of each dimension, and the persona match per targeted dimension. */
class Tally {
  people = 0;
  /** Outcomes: active in the last 30 days, ever consulted, ever bought, bought twice or more, money spent. */
  active30 = 0;
  consulted = 0;
  buyers = 0;
  repeat = 0;
  spentCents = 0;
  readonly counts = new Map<Dimension, Map<string, number>>(DIMENSIONS.map((d) => [d, new Map()]));
  /** Per targeted dimension: people with a known value, and of those how many match the target. */
  readonly match = new Map<Targeted, { known: number; matching: number }>(TARGETED.map((d) => [d, { known: 0, matching: 0 }]));

  add(p: Person, target: Persona | null, now: number): void {
    this.people++;
    if (p.lastActiveAt !== null && p.lastActiveAt >= now - 30 * 86_400_000) this.active30++;
    if (p.consulted) this.consulted++;
    if (p.purchases > 0) this.buyers++;
    if (p.purchases > 1) this.repeat++;
    this.spentCents += p.spentCents;
    const bump = (d: Dimension, v: string | null) => {
      if (v === null || v === '') return;
      const m = this.counts.get(d)!;
      m.set(v, (m.get(v) ?? 0) + 1);
    };
    bump('gender', p.gender);
    bump('age', p.age === null ? null : ageBand(p.age));
    bump('city', p.city);
    p.interests.forEach((t) => bump('interest', t));
    bump('occupation', p.occupation);
    bump('circle', p.circle);
    bump('sourceChannel', p.sourceChannel);
    p.platforms.forEach((x) => bump('platform', x));
    if (!target) return;
    const check = (d: Targeted, known: boolean, matching: () => boolean) => {
      if (!known) return;
      const m = this.match.get(d)!;
      m.known++;
      if (matching()) m.matching++;
    };
    const lc = (xs: string[]) => xs.map((x) => x.toLowerCase());
    if (targeted('gender', target)) check('gender', !!p.gender, () => target.genders.includes(p.gender!));
    if (targeted('age', target)) check('age', p.age !== null, () => p.age! >= (target.ageMin ?? 0) && p.age! <= (target.ageMax ?? 200));
    if (targeted('city', target)) check('city', !!p.city, () => target.cities.includes(p.city!));
    if (targeted('interest', target)) check('interest', p.interests.length > 0, () => p.interests.some((t) => lc(target.interests).includes(t.toLowerCase())));
    if (targeted('occupation', target)) check('occupation', !!p.occupation, () => lc(target.occupations).includes(p.occupation!.toLowerCase()));
  }
}

const zhValue = (d: Dimension, v: string): string =>
  d === 'gender' ? (genderVocab.labels as Record<string, readonly [string, string]>)[v]?.[0] ?? v
    : d === 'age' ? `${v} 岁`
      : d === 'circle' ? (memberCircle.labels as Record<string, readonly [string, string]>)[v]?.[0] ?? v
        : v;
const pct = (x: number) => `${Math.round(x * 100)}%`;

function targetText(d: Targeted, t: Persona): string {
  switch (d) {
    case 'gender': return t.genders.map((g) => zhValue('gender', g)).join('、');
    case 'age': return t.ageMin !== null && t.ageMax !== null ? `${t.ageMin}–${t.ageMax} 岁` : t.ageMin !== null ? `${t.ageMin} 岁以上` : `${t.ageMax} 岁以下`;
    case 'city': return t.cities.join('、');
    case 'interest': return t.interests.join('、');
    case 'occupation': return t.occupations.join('、');
  }
}

const DIMENSION_ZH: Record<Targeted, string> = { gender: '性别', age: '年龄', city: '城市', interest: '兴趣', occupation: '职业' };

/** The fit of a tally: the mean match over the targeted dimensions, and each dimension's deviation. */
function fitOf(t: Tally, target: Persona | null) {
  if (!target) return { score: null, dimensions: [] };
  const out = TARGETED.filter((d) => targeted(d, target)).map((d) => {
    const m = t.match.get(d)!;
    const share = m.known ? m.matching / m.known : 0;
    const counts = t.counts.get(d)!;
    const denominator = d === 'interest' ? t.people : m.known;
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    const topShare = top && denominator ? top[1] / denominator : 0;
    const target_ = targetText(d, target);
    const words = !m.known
      ? `${DIMENSION_ZH[d]}：目标 ${target_}；成员资料里没有${DIMENSION_ZH[d]}`
      : `${DIMENSION_ZH[d]}：目标 ${target_}，符合的占 ${pct(share)}` + (top && share < 0.5 ? `；实际最多的是 ${zhValue(d, top[0])}（${pct(topShare)}）` : '');
    return { dimension: d, target: target_, matchShare: share, known: m.known, top: top ? { value: top[0], share: topShare } : null, words };
  });
  const known = out.filter((x) => x.known > 0);
  const score = known.length ? Math.round((known.reduce((s, x) => s + x.matchShare, 0) / known.length) * 100) : null;
  return { score, dimensions: out.sort((a, b) => a.matchShare - b.matchShare) };
}

const distribution = (t: Tally, d: Dimension) => {
  const entries = [...t.counts.get(d)!.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const top = entries.slice(0, TOP).map(([value, n]) => ({ value, members: n }));
  const rest = entries.slice(TOP).reduce((s, [, n]) => s + n, 0);
  return rest ? [...top, { value: '其他', members: rest }] : top;
};

async function personaOf(ctx: Ctx, scope: Scope): Promise<Persona | null> {
  let communityId: string | null = null;
  if (scope.kind === 'community') communityId = scope.id;
  else if (scope.kind === 'group') communityId = (await ctx.tdb.selectFrom('groups').select('community_id').where('id', '=', scope.id!).executeTakeFirstOrThrow()).community_id;
  if (!communityId) return null;
  const c = await ctx.tdb.selectFrom('communities').select('canvas').where('id', '=', communityId).executeTakeFirstOrThrow();
  const p = (JSON.parse(c.canvas) as { persona?: Partial<Persona> }).persona ?? {};
  return { genders: p.genders ?? [], ageMin: p.ageMin ?? null, ageMax: p.ageMax ?? null, cities: p.cities ?? [], interests: p.interests ?? [], occupations: p.occupations ?? [] };
}

/** Every person of the scope once, with the platforms of their current groups in it, a page at a time. */
async function eachPerson(ctx: Ctx, scope: Scope, fn: (p: Person) => void): Promise<void> {
  const year = new Date(ctx.clock.now()).getUTCFullYear();
  const groups = await ctx.tdb.selectFrom('groups').select(['id', 'platform', 'community_id']).execute();
  const inScope = new Map(groups.filter((g) => scope.kind === 'workspace' || (scope.kind === 'community' ? g.community_id === scope.id : g.id === scope.id)).map((g) => [g.id, g.platform]));
  let after = '';
  for (;;) {
    // Workspace: every member (with groups or not); a community or group: the members with a seat in it.
    let q = ctx.tdb.selectFrom('members').select(['id', 'gender', 'birth_year', 'city', 'occupation', 'tags', 'circle', 'source_channel'])
      .where('id', '>', after).orderBy('id').limit(PAGE);
    if (scope.kind !== 'workspace') {
      const ids = [...inScope.keys()];
      q = q.where('id', 'in', (eb) => eb.selectFrom('memberships').select('member_id').where('workspace_id', '=', ctx.workspaceId).where('left_at', 'is', null).where('group_id', 'in', ids.length ? ids : ['']));
    }
    const rows = await q.execute();
    if (!rows.length) return;
    const seats = await ctx.tdb.selectFrom('memberships').select(['member_id', 'group_id']).where('left_at', 'is', null).where('member_id', 'in', rows.map((r) => r.id)).execute();
    const milestones = await ctx.tdb.selectFrom('member_milestones').select(['member_id', 'milestone', 'last_at', 'n', 'amount'])
      .where('scope', '=', scope.key).where('member_id', 'in', rows.map((r) => r.id)).where('milestone', 'in', ['active', 'consultation', 'purchase']).execute();
    const ms = new Map<string, { active: number | null; consulted: boolean; purchases: number; spent: number }>();
    for (const m of milestones) {
      let x = ms.get(m.member_id);
      if (!x) ms.set(m.member_id, (x = { active: null, consulted: false, purchases: 0, spent: 0 }));
      if (m.milestone === 'active') x.active = Number(m.last_at);
      else if (m.milestone === 'consultation') x.consulted = true;
      else (x.purchases = Number(m.n)), (x.spent = Number(m.amount));
    }
    const platforms = new Map<string, Set<string>>();
    for (const s of seats) {
      const p = inScope.get(s.group_id);
      if (!p) continue;
      let set = platforms.get(s.member_id);
      if (!set) platforms.set(s.member_id, (set = new Set()));
      set.add(p);
    }
    for (const r of rows) {
      let tags: string[] = [];
      try {
        tags = (JSON.parse(r.tags) as unknown[]).filter((t): t is string => typeof t === 'string');
      } catch { /* a malformed tag list counts as none */ }
      fn({
        id: r.id, gender: r.gender, age: r.birth_year ? year - Number(r.birth_year) : null, city: r.city, interests: tags, occupation: r.occupation,
        circle: r.circle, sourceChannel: r.source_channel, platforms: [...(platforms.get(r.id) ?? [])],
        lastActiveAt: ms.get(r.id)?.active ?? null, consulted: ms.get(r.id)?.consulted ?? false, purchases: ms.get(r.id)?.purchases ?? 0, spentCents: ms.get(r.id)?.spent ?? 0,
      });
    }
    after = rows[rows.length - 1]!.id;
  }
}

/** The most invitees a meetup plan lists (the API's `limit` at most). */
export const MAX_INVITEES = 200;

/** The fewest active people a city has for the snapshot to keep its invitees (tests lower it). */
export const meetupTuning = { bigCity: 1_000 };

/**
 * Per city of at least meetupTuning.bigCity active people, its MAX_INVITEES members most recently active in the
 * scope, newest first. Kept while the people are counted anyway: looked up when asked, the largest city's members
 * (81,412 of 1,000,000) took 4.9 s on SQLite, a primary-key lookup of each one's last activity (measured). A
 * smaller city is looked up when asked, and so many free-text cities keep nothing.
 */
class RecentByCity {
  private readonly lists = new Map<string, { id: string; at: number }[]>();
  private readonly counts = new Map<string, number>();

  add(city: string, id: string, at: number): void {
    let list = this.lists.get(city);
    if (!list) this.lists.set(city, (list = []));
    this.counts.set(city, (this.counts.get(city) ?? 0) + 1);
    list.push({ id, at });
    // Trimmed now and then, not kept sorted: amortised, a city costs a sort of 2 × MAX_INVITEES per MAX_INVITEES people.
    if (list.length >= 2 * MAX_INVITEES) this.trim(list);
  }

  private trim(list: { id: string; at: number }[]): void {
    list.sort((a, b) => b.at - a.at || (a.id < b.id ? -1 : 1));
    list.length = Math.min(list.length, MAX_INVITEES);
  }

  done(): Map<string, { id: string; at: number }[]> {
    for (const [city, list] of this.lists) {
      if (this.counts.get(city)! < meetupTuning.bigCity) this.lists.delete(city);
      else this.trim(list);
    }
    return this.lists;
  }
}

async function compute(ctx: Ctx, scope: Scope) {
  const target = await personaOf(ctx, scope);
  const all = new Tally();
  const byPlatform = new Map<string, Tally>();
  const byChannel = new Map<string, Tally>();
  const byCircle = new Map<string, Tally>();
  const byCity = new Map<string, Tally>();
  const now = ctx.clock.now();
  const into = (m: Map<string, Tally>, k: string) => {
    let t = m.get(k);
    if (!t) m.set(k, (t = new Tally()));
    return t;
  };
  const recent = new RecentByCity();
  await eachPerson(ctx, scope, (p) => {
    all.add(p, target, now);
    for (const x of p.platforms) into(byPlatform, x).add(p, target, now);
    into(byChannel, p.sourceChannel ?? '').add(p, target, now);
    into(byCircle, p.circle ?? '').add(p, target, now);
    if (p.city) into(byCity, p.city).add(p, target, now);
    if (p.city && p.lastActiveAt !== null) recent.add(p.city, p.id, p.lastActiveAt);
  });
  // Compared on persona fit, retention (active in the last 30 days), conversion and revenue.
  const breakdown = (m: Map<string, Tally>) => [...m.entries()].sort((a, b) => b[1].people - a[1].people).slice(0, 20)
    .map(([key, t]) => ({
      key, people: t.people, fitScore: fitOf(t, target).score, activeRate: t.active30 / t.people, consultedRate: t.consulted / t.people,
      buyerRate: t.buyers / t.people, repurchaseRate: t.buyers ? t.repeat / t.buyers : 0, revenueCents: t.spentCents, revenuePerMemberCents: Math.round(t.spentCents / t.people),
    }));
  const fit = fitOf(all, target);
  const summary = {
    people: all.people,
    target,
    fitScore: fit.score,
    deviations: fit.dimensions,
    distributions: Object.fromEntries(DIMENSIONS.map((d) => [d, distribution(all, d)])) as Record<Dimension, { value: string; members: number }[]>,
    byPlatform: breakdown(byPlatform),
    bySourceChannel: breakdown(byChannel),
    byCircle: breakdown(byCircle),
    byCity: breakdown(byCity),
  };
  return { summary, recent: recent.done() };
}

type Snapshot = Awaited<ReturnType<typeof compute>>;
export type Structure = Snapshot['summary'] & { scope: { kind: Scope['kind']; id: string | null; name: string | null }; computedAt: string };

/**
 * Kept in this process, not the database: a read stays a read. The key is the workspace and scope; the
 * oldest entries go first past a few hundred.
 */
const kept = new Map<string, { at: number; data: Snapshot }>();
const KEPT_MAX = 300;

async function snapshot(ctx: Ctx, q: Pick<DashboardQuery, 'communityId' | 'groupId'> & { refresh?: boolean }) {
  ctx.authorize('member.read');
  const scope = await resolveScope(ctx, q);
  const now = ctx.clock.now();
  const key = `${ctx.workspaceId}|${scope.key}`;
  let hit = kept.get(key);
  if (!hit || q.refresh || now - hit.at >= STALE_MS || now < hit.at) {
    hit = { at: now, data: await compute(ctx, scope) };
    kept.delete(key);
    kept.set(key, hit);
    if (kept.size > KEPT_MAX) kept.delete(kept.keys().next().value!);
  }
  return { scope, at: hit.at, data: hit.data };
}

/** The structure of a scope: from its snapshot when younger than an hour, else computed (and kept) now. */
export async function structure(ctx: Ctx, q: Pick<DashboardQuery, 'communityId' | 'groupId'> & { refresh?: boolean }): Promise<Structure> {
  const { scope, at, data } = await snapshot(ctx, q);
  return { scope: { kind: scope.kind, id: scope.id, name: scope.name }, computedAt: new Date(at).toISOString(), ...data.summary };
}

/** Forgets the kept structures of a workspace (a rebuild, a demo reset). */
export function forgetStructures(workspaceId: string): void {
  for (const k of [...kept.keys()]) if (k.startsWith(`${workspaceId}|`)) kept.delete(k);
}

/**
 * 同城会 meetup planner: the scope's cities ranked by members and how active they are, and for one city (the first
 * by default) the members most recently active there to invite, all as of the structure snapshot; each invitee's
 * figures are read now.
 */
export async function meetups(ctx: Ctx, q: Pick<DashboardQuery, 'communityId' | 'groupId'> & { city?: string; limit: number }) {
  const { scope, at, data } = await snapshot(ctx, q);
  const s = data.summary;
  // Ranked by the people active in the last 30 days: a meetup needs people who will come, not names.
  const cities = [...s.byCity].sort((a, b) => b.people * b.activeRate - a.people * a.activeRate || b.people - a.people)
    .map((c) => ({ city: c.key, people: c.people, active: Math.round(c.people * c.activeRate), activeRate: c.activeRate, buyerRate: c.buyerRate }));
  const city = q.city ?? cities[0]?.city ?? null;
  const listed = city === null ? undefined : data.recent.get(city);
  const invitees = city === null ? [] : listed ? await invited(ctx, scope, listed.slice(0, q.limit).map((r) => r.id)) : await recentlyActive(ctx, scope, city, q.limit);
  return { scope: { kind: scope.kind, id: scope.id, name: scope.name }, computedAt: new Date(at).toISOString(), cities, city, invitees };
}

const INVITEE_COLUMNS = ['members.id', 'members.display_name', 'members.circle', 'members.stage', 'member_milestones.last_at', 'member_milestones.n'] as const;

function activeIn(ctx: Ctx, scope: Scope) {
  return ctx.tdb.selectFrom('member_milestones')
    .innerJoin('members', (j) => j.onRef('members.workspace_id', '=', 'member_milestones.workspace_id').onRef('members.id', '=', 'member_milestones.member_id'))
    .select(INVITEE_COLUMNS).where('member_milestones.scope', '=', scope.key).where('member_milestones.milestone', '=', 'active');
}

type InviteeRow = { id: string; display_name: string; circle: string | null; stage: string; last_at: number; n: number };
const invitee = (m: InviteeRow) => ({ id: m.id, displayName: m.display_name, circle: m.circle, stage: m.stage, lastActiveAt: new Date(Number(m.last_at)).toISOString(), activities: Number(m.n) });

/** The snapshot's choice, in its order, with each one's figures now (a member erased or merged away since is left out). */
async function invited(ctx: Ctx, scope: Scope, ids: string[]) {
  const rows = ids.length ? await activeIn(ctx, scope).where('member_milestones.member_id', 'in', ids).execute() : [];
  const byId = new Map(rows.map((m) => [m.id, m]));
  return ids.flatMap((id) => (byId.has(id) ? [invitee(byId.get(id)!)] : []));
}

/**
 * A city the snapshot keeps nothing for (a small one, or one a member moved to since): its members looked up now,
 * of a community or group only those with a seat in it now, as the snapshot counts people.
 */
async function recentlyActive(ctx: Ctx, scope: Scope, city: string, limit: number) {
  let q = activeIn(ctx, scope).where('members.city', '=', city);
  if (scope.kind !== 'workspace') {
    const groups = scope.kind === 'group' ? [scope.id!] : (await ctx.tdb.selectFrom('groups').select('id').where('community_id', '=', scope.id!).execute()).map((g) => g.id);
    q = q.where('members.id', 'in', (eb) => eb.selectFrom('memberships').select('member_id').where('workspace_id', '=', ctx.workspaceId).where('left_at', 'is', null)
      .where('group_id', 'in', groups.length ? groups : ['']));
  }
  const rows = await q.orderBy('member_milestones.last_at', 'desc').limit(limit).execute();
  return rows.map(invitee);
}
