// Live sessions (多群直播): a main group where speakers talk, target groups that hear them through the
// outbox (one lane per group, so each group gets every message in order and a failing group keeps its
// place), questions from any group in one queue, an archive that becomes a replay, and group owners'
// applications to bring their groups in (群主招募). The runner (relay.runner.ts) does the relaying; this
// module is what operators, members and the public pages ask of it.
//
// A sharing relay (a session with a `ruleId`) relays the rules engine's sharing sessions (分享): the session
// the operator plans is the series, which never runs itself; each sharing session in its main group is
// relayed by an occurrence, a session of its own cloned from the series when the sharing session starts
// (its speaker the roster's turn) and stopped when it ends, so that each has its own archive, replay,
// questions and statistics. An occurrence's id is the series' id and the start (`<series>.<start in base 36>`):
// creating it twice (a restart, a second node) is a no-op, and a host's early /结束 is not undone.
import type { z } from 'zod';
import { iso } from '../../kernel/clock.ts';
import type { Ctx } from '../../kernel/context.ts';
import { chunks } from '../../kernel/db/chunks.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { ShequnError, conflict, invalid, notFound } from '../../kernel/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { enqueue, type Enqueue } from '../outbox/index.ts';
import { tagged } from '../group/index.ts';
import { getRule, sharingGroups } from '../rules/index.ts';
import {
  ApplicationCreateSchema, ApplicationDecisionSchema, ArchiveEditSchema, LiveSessionCreateSchema, LiveSessionUpdateSchema, LiveSettingsSchema, TargetingSchema,
  type ApplicationMatchSchema,
  type AnswerSchema, type ApplicationSchema, type DeliverySchema, type LiveMessageSchema, type LiveSession, type PublicSessionSchema, type QuestionSchema,
  type ReplaySchema, type ReplaySummarySchema, type StatsSchema,
} from './relay.schema.ts';
import { answerLine, noticeLine } from './relay.text.ts';

type Row = Database['live_sessions'];
type Person = { type: 'member' | 'operator'; id: string };
type Targeting = z.infer<typeof TargetingSchema>;
export type LiveSettings = z.infer<typeof LiveSettingsSchema>;

// ---- people and groups ----

async function namesOf(ctx: Ctx, people: Person[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const members = people.filter((p) => p.type === 'member').map((p) => p.id);
  const ops = people.filter((p) => p.type === 'operator').map((p) => p.id);
  if (members.length) for (const m of await ctx.tdb.selectFrom('members').select(['id', 'display_name']).where('id', 'in', members).execute()) out.set(`member:${m.id}`, m.display_name);
  if (ops.length) for (const o of await ctx.tdb.selectFrom('operators').select(['id', 'name']).where('id', 'in', ops).execute()) out.set(`operator:${o.id}`, o.name);
  return out;
}

async function checkPeople(ctx: Ctx, people: { field: string; p: Person }[]) {
  const names = await namesOf(ctx, people.map((x) => x.p));
  const missing = people.filter((x) => !names.has(`${x.p.type}:${x.p.id}`));
  if (missing.length) throw invalid(missing.map((x) => ({ field: x.field, reason: `no ${x.p.type} ${x.p.id} in this workspace` })));
}

/** The groups a targeting picks (never the main group, never archived ones). */
export async function resolveTargets(ctx: Ctx, t: Targeting, mainGroupId: string): Promise<string[]> {
  const picked = new Set<string>();
  const v = await ctx.visibility();
  const visible = (id: string) => v.all || v.groupIds.has(id);
  if (t.groupIds.length) {
    for (const part of chunks(t.groupIds)) {
      const found = await ctx.tdb.selectFrom('groups').select(['id', 'status']).where('id', 'in', part).execute();
      const known = new Set(found.map((g) => g.id));
      const bad = part.filter((id) => !known.has(id) || !visible(id));
      if (bad.length) throw invalid(bad.slice(0, 20).map((id) => ({ field: `targets.groupIds.${t.groupIds.indexOf(id)}`, reason: `no group ${id}` })));
      for (const g of found) if (g.status !== 'archived') picked.add(g.id);
    }
  }
  if (t.communityIds.length || t.groupSetIds.length || t.tags.length) {
    let q = ctx.tdb.selectFrom('groups').select('id').where('status', '!=', 'archived');
    q = q.where((eb) => eb.or([
      ...(t.communityIds.length ? [eb('community_id', 'in', t.communityIds)] : []),
      ...(t.groupSetIds.length ? [eb('group_set_id', 'in', t.groupSetIds)] : []),
      ...(t.tags.length ? [tagged(t.tags)(eb)] : []),
    ]));
    if (t.kinds.length) q = q.where('kind', 'in', t.kinds);
    if (t.regions.length) q = q.where('region', 'in', t.regions);
    for (const g of await q.execute()) if (visible(g.id)) picked.add(g.id);
  }
  picked.delete(mainGroupId);
  return [...picked];
}

// ---- sessions ----

const parse = <T>(s: string): T => JSON.parse(s) as T;

/** A series: the session linked to a sharing rule, relayed through its occurrences. */
export const isSeries = (r: Pick<Row, 'id' | 'rule_id'>) => r.rule_id !== null && !r.id.includes('.');
/** The series an occurrence was cloned from, or null. */
export const seriesOf = (r: Pick<Row, 'id' | 'rule_id'>) => (r.rule_id !== null && r.id.includes('.') ? r.id.slice(0, r.id.indexOf('.')) : null);
export const occurrenceId = (seriesId: string, start: number) => `${seriesId}.${start.toString(36)}`;

/**
 * The main group of a sharing relay: the one named, which must be a group where the rule runs its sessions,
 * else the rule's only group. A rule over several groups (a group set, a community) needs one chosen.
 */
async function sharingMain(ctx: Ctx, ruleId: string, mainGroupId: string | undefined, field = 'mainGroupId'): Promise<string> {
  let type: string;
  let enabled: boolean;
  try {
    ({ type, enabled } = await getRule(ctx, ruleId));
  } catch (err) {
    if (err instanceof ShequnError && err.code === 'not_found') throw invalid([{ field: 'ruleId', reason: `no rule ${ruleId} in this workspace` }]);
    throw err;
  }
  if (type !== 'sharing.session') throw invalid([{ field: 'ruleId', reason: `rule ${ruleId} is a ${type} rule: only a sharing session (sharing.session) can be relayed` }]);
  if (!enabled) throw invalid([{ field: 'ruleId', reason: `rule ${ruleId} is disabled: enable it first` }]);
  const v = await ctx.visibility();
  const groups = (await sharingGroups(ctx, ruleId)).filter((g) => v.all || v.groupIds.has(g.id));
  const list = groups.slice(0, 20).map((g) => `${g.id} (${g.name})`).join(', ');
  if (mainGroupId) {
    if (!groups.some((g) => g.id === mainGroupId)) {
      throw invalid([{ field, reason: `the sharing rule ${ruleId} does not run its sessions in group ${mainGroupId}${groups.length ? `; it does in ${list}` : ''}` }]);
    }
    return mainGroupId;
  }
  if (groups.length === 1) return groups[0]!.id;
  if (!groups.length) throw invalid([{ field: 'ruleId', reason: `the sharing rule ${ruleId} runs its sessions in no group (a group of the built-in community or a connected platform where it is the effective sharing rule)` }]);
  throw invalid([{ field: 'mainGroupId', reason: `the sharing rule ${ruleId} runs its sessions in ${groups.length} groups: choose the main group, one of ${list}` }]);
}

/** One series per rule and main group: a second would relay the same sessions twice. */
async function checkOneSeries(ctx: Ctx, ruleId: string, mainGroupId: string, self: string | null) {
  const rows = await ctx.tdb.selectFrom('live_sessions').select(['id', 'rule_id']).where('rule_id', '=', ruleId).where('main_group_id', '=', mainGroupId).where('status', '=', 'scheduled').execute();
  const other = rows.find((x) => isSeries(x) && x.id !== self);
  if (other) throw conflict(`Live session ${other.id} already relays the sharing rule ${ruleId} in this group; change its targets instead`, { field: 'ruleId', sessionId: other.id });
}

async function toSession(ctx: Ctx, r: Row): Promise<LiveSession> {
  const host = parse<Person>(r.host);
  const speakers = parse<Person[]>(r.speakers);
  const names = await namesOf(ctx, [host, ...speakers]);
  const name = (p: Person) => names.get(`${p.type}:${p.id}`) ?? p.id;
  const targets = await ctx.tdb.selectFrom('live_targets').select((eb) => eb.fn.countAll().as('n')).where('session_id', '=', r.id).executeTakeFirstOrThrow();
  const messages = await ctx.tdb.selectFrom('live_messages').select((eb) => eb.fn.countAll().as('n')).where('session_id', '=', r.id).executeTakeFirstOrThrow();
  return {
    id: r.id, communityId: r.community_id, title: r.title, description: r.description, coverUrl: r.cover_url,
    scheduledAt: r.scheduled_at === null ? null : iso(r.scheduled_at), mainGroupId: r.main_group_id, ruleId: r.rule_id, seriesId: seriesOf(r),
    host: { ...host, name: name(host) }, speakers: speakers.map((s) => ({ ...s, name: name(s) })),
    targeting: TargetingSchema.parse(parse(r.targeting)), settings: LiveSettingsSchema.parse(parse(r.settings)),
    status: r.status as LiveSession['status'], startedAt: r.started_at === null ? null : iso(r.started_at), endedAt: r.ended_at === null ? null : iso(r.ended_at),
    summary: r.summary, targetCount: Number(targets.n), messageCount: Number(messages.n), rebroadcasts: Number(r.rebroadcasts),
    createdBy: r.created_by, createdAt: iso(r.created_at),
  };
}

export async function sessionRow(ctx: Ctx, id: string): Promise<Row> {
  const r = await ctx.tdb.selectFrom('live_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  const v = r ? await ctx.visibility() : null;
  if (!r || (v && !v.all && !v.groupIds.has(r.main_group_id))) throw notFound('live session', id);
  return r;
}

async function setTargets(ctx: Ctx, sessionId: string, groupIds: string[]) {
  // Groups brought in by an approved application stay; the operator's own choice is replaced.
  await ctx.tdb.deleteFrom('live_targets').where('session_id', '=', sessionId).where('origin', '=', 'plan').execute();
  const recruited = new Set((await ctx.tdb.selectFrom('live_targets').select('group_id').where('session_id', '=', sessionId).execute()).map((r) => r.group_id));
  const now = ctx.clock.now();
  const rows = groupIds.filter((g) => !recruited.has(g)).map((group_id) => ({ session_id: sessionId, group_id, origin: 'plan', added_at: now }));
  for (const part of chunks(rows)) await ctx.tdb.insertInto('live_targets', part).execute();
}

export async function createSession(ctx: Ctx, input: z.infer<typeof LiveSessionCreateSchema>): Promise<LiveSession> {
  ctx.authorize('live.manage');
  return ctx.transaction(async (tx) => {
    if (!(await tx.tdb.selectFrom('communities').select('id').where('id', '=', input.communityId).executeTakeFirst())) throw invalid([{ field: 'communityId', reason: `no community ${input.communityId}` }]);
    let mainGroupId = input.mainGroupId;
    if (input.ruleId) {
      if (input.scheduledAt) throw invalid([{ field: 'scheduledAt', reason: 'a session relaying a sharing rule runs at the rule\'s times: leave the start time out' }]);
      mainGroupId = await sharingMain(tx, input.ruleId, input.mainGroupId);
      await checkOneSeries(tx, input.ruleId, mainGroupId, null);
    } else if (!input.speakers.length) throw invalid([{ field: 'speakers', reason: 'name at least one speaker (only a sharing relay takes its speakers from the rule)' }]);
    if (!mainGroupId) throw invalid([{ field: 'mainGroupId', reason: 'name the main group, where the speakers talk' }]);
    const main = await tx.tdb.selectFrom('groups').select(['id', 'status']).where('id', '=', mainGroupId).executeTakeFirst();
    const v = await tx.visibility();
    if (!main || (!v.all && !v.groupIds.has(main.id))) throw invalid([{ field: 'mainGroupId', reason: `no group ${mainGroupId}` }]);
    if (main.status === 'archived') throw invalid([{ field: 'mainGroupId', reason: 'the main group is archived' }]);
    await checkPeople(tx, [{ field: 'host', p: input.host }, ...input.speakers.map((p, i) => ({ field: `speakers.${i}`, p }))]);
    const targets = await resolveTargets(tx, input.targets, mainGroupId);
    if (!targets.length) throw invalid([{ field: 'targets', reason: 'no target group: list groups, or pick communities or group sets that have some (the main group does not count)' }]);
    const now = tx.clock.now();
    const id = tx.ids.next('live');
    await tx.tdb.insertInto('live_sessions', {
      id, community_id: input.communityId, title: input.title, cover_url: input.coverUrl ?? null, description: input.description ?? null,
      scheduled_at: input.scheduledAt ? Date.parse(input.scheduledAt) : null, main_group_id: mainGroupId,
      host: JSON.stringify(input.host), speakers: JSON.stringify(input.speakers), targeting: JSON.stringify(input.targets), settings: JSON.stringify(input.settings),
      status: 'scheduled', started_at: null, ended_at: null, summary: null, cursor_at: null, cursor_id: null, reminded: '[]', rebroadcasts: 0, rule_id: input.ruleId ?? null,
      created_by: tx.actor.name, created_at: now, updated_at: now,
    }).execute();
    await setTargets(tx, id, targets);
    await recordAudit(tx, 'live.create', { type: 'live_session', id }, { title: input.title, targets: targets.length, ...(input.ruleId ? { ruleId: input.ruleId } : {}) });
    return toSession(tx, (await sessionRow(tx, id)));
  });
}

export async function listSessions(ctx: Ctx, q: { communityId?: string | undefined; status?: string | undefined; ruleId?: string | undefined; seriesId?: string | undefined }): Promise<LiveSession[]> {
  ctx.authorize('activity.read');
  let query = ctx.tdb.selectFrom('live_sessions').selectAll().orderBy('created_at', 'desc').limit(200);
  if (q.communityId) query = query.where('community_id', '=', q.communityId);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.ruleId) query = query.where('rule_id', '=', q.ruleId);
  // A series' occurrences: the ids `<series>.…` (`_` in a LIKE pattern matches itself too; the filter below is exact).
  if (q.seriesId) query = query.where('id', 'like', `${q.seriesId}.%`);
  const v = await ctx.visibility();
  const rows = (await query.execute()).filter((r) => (v.all || v.groupIds.has(r.main_group_id)) && (!q.seriesId || seriesOf(r) === q.seriesId));
  return Promise.all(rows.map((r) => toSession(ctx, r)));
}

export async function getSession(ctx: Ctx, id: string): Promise<LiveSession> {
  ctx.authorize('activity.read');
  return toSession(ctx, await sessionRow(ctx, id));
}

export async function updateSession(ctx: Ctx, id: string, patch: z.infer<typeof LiveSessionUpdateSchema>): Promise<LiveSession> {
  ctx.authorize('live.manage');
  return ctx.transaction(async (tx) => {
    const r = await sessionRow(tx, id);
    if (r.status === 'ended' && (patch.targets || patch.speakers || patch.host || patch.scheduledAt !== undefined || patch.ruleId !== undefined)) {
      throw conflict('The session has ended: only its title, description, cover and summary can change', { status: r.status });
    }
    const ruleId = patch.ruleId !== undefined ? patch.ruleId : r.rule_id;
    if (patch.ruleId !== undefined && patch.ruleId !== r.rule_id) {
      if (seriesOf(r)) throw conflict('A relayed sharing session keeps its rule: change the series it came from', { field: 'ruleId', seriesId: seriesOf(r) });
      if (r.status !== 'scheduled') throw conflict('Only a session that has not started can be linked to a sharing rule or unlinked', { field: 'ruleId', status: r.status });
      if (patch.ruleId !== null) {
        await sharingMain(tx, patch.ruleId, r.main_group_id, 'ruleId');
        await checkOneSeries(tx, patch.ruleId, r.main_group_id, id);
      }
    }
    const series = ruleId !== null && !seriesOf(r);
    if (series && patch.scheduledAt) throw invalid([{ field: 'scheduledAt', reason: 'a session relaying a sharing rule runs at the rule\'s times: leave the start time out' }]);
    if (ruleId === null && (patch.speakers ?? parse<Person[]>(r.speakers)).length === 0) throw invalid([{ field: 'speakers', reason: 'name at least one speaker (only a sharing relay takes its speakers from the rule)' }]);
    const people = [...(patch.host ? [{ field: 'host', p: patch.host }] : []), ...(patch.speakers ?? []).map((p, i) => ({ field: `speakers.${i}`, p }))];
    if (people.length) await checkPeople(tx, people);
    if (patch.targets) {
      const targets = await resolveTargets(tx, patch.targets, r.main_group_id);
      if (!targets.length) throw invalid([{ field: 'targets', reason: 'no target group' }]);
      await setTargets(tx, id, targets);
    }
    await tx.tdb.updateTable('live_sessions').set({
      ...(patch.title !== undefined ? { title: patch.title } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.coverUrl !== undefined ? { cover_url: patch.coverUrl } : {}),
      ...(patch.scheduledAt !== undefined ? { scheduled_at: patch.scheduledAt === null ? null : Date.parse(patch.scheduledAt), reminded: '[]' } : {}),
      // Linked, the rule decides when it runs.
      ...(patch.ruleId !== undefined && patch.ruleId !== r.rule_id ? { rule_id: patch.ruleId, ...(patch.ruleId !== null ? { scheduled_at: null, reminded: '[]' } : {}) } : {}),
      ...(patch.host ? { host: JSON.stringify(patch.host) } : {}),
      ...(patch.speakers ? { speakers: JSON.stringify(patch.speakers) } : {}),
      ...(patch.targets ? { targeting: JSON.stringify(patch.targets) } : {}),
      ...(patch.settings ? { settings: JSON.stringify(patch.settings) } : {}),
      ...(patch.summary !== undefined ? { summary: patch.summary } : {}),
      updated_at: tx.clock.now(),
    }).where('id', '=', id).execute();
    await recordAudit(tx, 'live.update', { type: 'live_session', id }, { fields: Object.keys(patch) });
    return toSession(tx, await sessionRow(tx, id));
  });
}

export async function deleteSession(ctx: Ctx, id: string): Promise<void> {
  ctx.authorize('live.manage');
  await ctx.transaction(async (tx) => {
    const r = await sessionRow(tx, id);
    if (r.status !== 'scheduled') throw conflict('A session that has started is kept (its archive and statistics); end it instead', { status: r.status });
    for (const t of ['live_targets', 'live_applications', 'live_questions', 'live_messages'] as const) await tx.tdb.deleteFrom(t).where('session_id', '=', id).execute();
    await tx.tdb.deleteFrom('live_sessions').where('id', '=', id).execute();
    await recordAudit(tx, 'live.delete', { type: 'live_session', id }, { title: r.title });
  });
}

// ---- running ----

export type LiveCommand = 'start' | 'pause' | 'resume' | 'stop';
const NEXT: Record<LiveCommand, { from: string[]; to: string }> = {
  start: { from: ['scheduled'], to: 'live' },
  pause: { from: ['live'], to: 'paused' },
  resume: { from: ['paused'], to: 'live' },
  stop: { from: ['live', 'paused'], to: 'ended' },
};

export interface TargetGroup {
  id: string;
  platform: string;
  name: string;
}

export async function targetGroups(ctx: Ctx, sessionId: string): Promise<TargetGroup[]> {
  return ctx.tdb.selectFrom('live_targets').innerJoin('groups', 'groups.id', 'live_targets.group_id')
    .select(['groups.id as id', 'groups.platform as platform', 'groups.name as name']).where('live_targets.session_id', '=', sessionId)
    .where('groups.workspace_id', '=', ctx.workspaceId).where('groups.status', '!=', 'archived').orderBy('live_targets.added_at').orderBy('groups.id').execute();
}

/** One line to every target group (and the main group when `main`), each in its group's lane. */
export async function broadcast(
  ctx: Ctx, r: Row, key: string, text: string,
  extra: { main?: boolean; payload?: Record<string, unknown>; refs?: (groupId: string) => Record<string, string> | null } = {},
) {
  const groups = await targetGroups(ctx, r.id);
  if (extra.main) {
    const m = await ctx.tdb.selectFrom('groups').select(['id', 'platform', 'name']).where('id', '=', r.main_group_id).executeTakeFirst();
    if (m) groups.unshift(m);
  }
  const items: Enqueue[] = groups.map((g) => ({
    dedupeKey: `${key}:${g.id}`, lane: `group:${g.id}`, action: 'send', platform: g.platform, groupId: g.id, memberId: null,
    payload: { text, from: `直播 · ${r.title}`.slice(0, 100), ...extra.payload, ...(extra.refs?.(g.id) ? { refs: extra.refs(g.id) } : {}) }, origin: { type: 'relay', id: r.id }, reason: null, causeActivityId: null,
  }));
  for (const part of chunks(items, 2000)) await enqueue(ctx, part);
}

/** Starts, pauses, resumes or stops a session (from the console, or the host's command in the main group). */
export async function commandSession(ctx: Ctx, id: string, command: LiveCommand, via: 'console' | 'chat' | 'schedule' = 'console'): Promise<LiveSession> {
  if (via === 'console') ctx.authorize('live.manage');
  return ctx.transaction(async (tx) => {
    const r = await sessionRow(tx, id);
    if (isSeries(r)) {
      throw conflict(`This session relays the sharing rule ${r.rule_id}: each of its sessions starts and ends by itself, relayed as a session of its own (see ?seriesId=${id}); delete this one to stop relaying them`, { ruleId: r.rule_id });
    }
    const step = NEXT[command];
    if (!step.from.includes(r.status)) throw conflict(`A ${r.status} session cannot ${command}`, { status: r.status });
    const now = tx.clock.now();
    await tx.tdb.updateTable('live_sessions').set({
      status: step.to, updated_at: now,
      // The relay reads the main group from the start on: what was said before is not part of the session.
      // (Started by the host's /开始, it reads on from that message.)
      ...(command === 'start' ? { started_at: now, cursor_at: via === 'chat' ? (r.cursor_at ?? now) : now, cursor_id: via === 'chat' ? (r.cursor_id ?? '') : '' } : {}),
      ...(command === 'stop' ? { ended_at: now } : {}),
    }).where('id', '=', id).where('status', '=', r.status).execute();
    const settings = LiveSettingsSchema.parse(parse(r.settings));
    if (settings.notices) {
      const line = command === 'start' ? noticeLine.start(r.title) : command === 'pause' ? noticeLine.pause(r.title) : command === 'resume' ? noticeLine.resume(r.title) : noticeLine.end(r.title);
      await broadcast(tx, r, `relay:${id}:${command}:${now}`, line);
    }
    await recordAudit(tx, `live.${command}`, { type: 'live_session', id }, { via });
    tx.emit({ type: 'live_session.updated', workspaceId: tx.workspaceId, groupId: r.main_group_id, data: { id, status: step.to } });
    return toSession(tx, await sessionRow(tx, id));
  });
}

// ---- delivery and statistics ----

export async function delivery(ctx: Ctx, id: string): Promise<z.infer<typeof DeliverySchema>> {
  ctx.authorize('activity.read');
  const r = await sessionRow(ctx, id);
  const groups = await ctx.tdb.selectFrom('live_targets').innerJoin('groups', 'groups.id', 'live_targets.group_id')
    .select(['groups.id as id', 'groups.platform as platform', 'groups.name as name', 'live_targets.origin as origin'])
    .where('live_targets.session_id', '=', id).where('groups.workspace_id', '=', ctx.workspaceId).execute();
  const now = ctx.clock.now();
  const rows = await ctx.tdb.selectFrom('outbox')
    .select((eb) => [
      'group_id', 'status',
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>('ambiguous').as('amb'),
      eb.fn.sum<number>(eb.case().when('attempts', '>', 0).then(1).else(0).end()).as('tried'),
      eb.fn.min<number>('created_at').as('oldest'),
      eb.fn.max<string>('last_error').as('err'),
    ])
    .where('origin_type', '=', 'relay').where('origin_id', '=', id).groupBy(['group_id', 'status']).execute();
  const per = new Map<string, { delivered: number; queued: number; retrying: number; failed: number; ambiguous: number; oldest: number; lastError: string | null }>();
  for (const x of rows) {
    if (!x.group_id) continue;
    const g = per.get(x.group_id) ?? per.set(x.group_id, { delivered: 0, queued: 0, retrying: 0, failed: 0, ambiguous: 0, oldest: Infinity, lastError: null }).get(x.group_id)!;
    const n = Number(x.n);
    g.ambiguous += Number(x.amb ?? 0);
    if (x.status === 'done') g.delivered += n;
    else if (x.status === 'failed') {
      g.failed += n;
      g.lastError = x.err;
    } else {
      const retrying = Number(x.tried ?? 0);
      g.retrying += retrying;
      g.queued += n - retrying;
      if (retrying) g.lastError = x.err;
      g.oldest = Math.min(g.oldest, Number(x.oldest));
    }
  }
  const out = groups.map((g) => {
    const d = per.get(g.id) ?? { delivered: 0, queued: 0, retrying: 0, failed: 0, ambiguous: 0, oldest: Infinity, lastError: null };
    const state = d.failed ? 'failed' : d.retrying ? 'retrying' : d.queued ? 'queued' : d.delivered ? 'delivered' : 'idle';
    return {
      groupId: g.id, name: g.name, platform: g.platform, origin: g.origin as 'plan' | 'recruit', delivered: d.delivered, queued: d.queued, retrying: d.retrying, failed: d.failed,
      ambiguous: d.ambiguous, state: state as 'delivered' | 'queued' | 'retrying' | 'failed' | 'idle', lastError: d.lastError, lagMs: d.oldest === Infinity ? 0 : Math.max(0, now - d.oldest),
    };
  });
  // The groups that need a look first: failing, then the furthest behind.
  const rank = { failed: 0, retrying: 1, queued: 2, delivered: 3, idle: 4 } as const;
  out.sort((a, b) => rank[a.state] - rank[b.state] || b.lagMs - a.lagMs || a.name.localeCompare(b.name));
  const sum = (k: 'delivered' | 'queued' | 'retrying' | 'failed' | 'ambiguous') => out.reduce((n, g) => n + g[k], 0);
  const messages = await ctx.tdb.selectFrom('live_messages').select((eb) => eb.fn.countAll().as('n')).where('session_id', '=', r.id).executeTakeFirstOrThrow();
  return {
    sessionId: id, messages: Number(messages.n),
    totals: { delivered: sum('delivered'), queued: sum('queued'), retrying: sum('retrying'), failed: sum('failed'), ambiguous: sum('ambiguous') },
    slowestLagMs: Math.max(0, ...out.map((g) => g.lagMs)), groups: out,
  };
}

export async function sessionStats(ctx: Ctx, id: string): Promise<z.infer<typeof StatsSchema>> {
  ctx.authorize('activity.read');
  const r = await sessionRow(ctx, id);
  const groups = await targetGroups(ctx, id);
  const reached = (await ctx.tdb.selectFrom('outbox').select('group_id').distinct().where('origin_type', '=', 'relay').where('origin_id', '=', id).where('status', '=', 'done').execute())
    .map((x) => x.group_id!).filter((g) => groups.some((t) => t.id === g));
  let members = 0;
  const people = new Set<string>();
  for (const part of chunks(reached)) {
    for (const m of await ctx.tdb.selectFrom('memberships').select('member_id').where('group_id', 'in', part).where('left_at', 'is', null).execute()) people.add(m.member_id);
  }
  members = people.size;
  const q = await ctx.tdb.selectFrom('live_questions').select(['status']).where('session_id', '=', id).execute();
  const relayed = await ctx.tdb.selectFrom('live_messages').select((eb) => eb.fn.countAll().as('n')).where('session_id', '=', id).executeTakeFirstOrThrow();
  const amb = await ctx.tdb.selectFrom('outbox').select((eb) => eb.fn.sum<number>('ambiguous').as('n')).where('origin_type', '=', 'relay').where('origin_id', '=', id).executeTakeFirst();
  // Platforms date messages to the second (Telegram): the window opens at the start's second.
  const start = r.started_at === null ? null : Math.floor(Number(r.started_at) / 1000) * 1000;
  const end = start === null ? null : r.ended_at === null ? ctx.clock.now() : Number(r.ended_at);
  const perGroup: { groupId: string; name: string; during: number; after: number }[] = [];
  if (start !== null && end !== null) {
    const afterEnd = end + (end - start);
    const counts = new Map<string, { during: number; after: number }>();
    for (const part of chunks(groups.map((g) => g.id))) {
      const rows = await ctx.tdb.selectFrom('activities').select((eb) => ['group_id', eb.fn.countAll<number>().as('n'), eb.case().when('occurred_at', '<=', end).then(1).else(0).end().as('during')])
        .where('group_id', 'in', part).where('kind', '=', 'message').where('member_id', 'is not', null).where('occurred_at', '>=', start).where('occurred_at', '<', afterEnd)
        .groupBy(['group_id', 'during']).execute();
      for (const x of rows) {
        const c = counts.get(x.group_id!) ?? counts.set(x.group_id!, { during: 0, after: 0 }).get(x.group_id!)!;
        if (Number(x.during) === 1) c.during += Number(x.n);
        else c.after += Number(x.n);
      }
    }
    for (const g of groups) perGroup.push({ groupId: g.id, name: g.name, ...(counts.get(g.id) ?? { during: 0, after: 0 }) });
  }
  return {
    groupsTargeted: groups.length, groupsReached: reached.length, membersReached: members, messagesRelayed: Number(relayed.n),
    questionsAsked: q.length, questionsAnswered: q.filter((x) => x.status === 'answered').length, perGroup, ambiguous: Number(amb?.n ?? 0),
  };
}

// ---- questions ----

async function groupNames(ctx: Ctx, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunks([...new Set(ids)])) for (const g of await ctx.tdb.selectFrom('groups').select(['id', 'name']).where('id', 'in', part).execute()) out.set(g.id, g.name);
  return out;
}

export async function listQuestions(ctx: Ctx, id: string, status?: 'open' | 'answered' | 'dismissed'): Promise<z.infer<typeof QuestionSchema>[]> {
  ctx.authorize('activity.read');
  await sessionRow(ctx, id);
  const rows = await ctx.tdb.selectFrom('live_questions').selectAll().where('session_id', '=', id).orderBy('asked_at').orderBy('id').execute();
  const names = await groupNames(ctx, rows.map((q) => q.group_id));
  const repeats = new Map<string, typeof rows>();
  for (const q of rows) if (q.same_as) (repeats.get(q.same_as) ?? repeats.set(q.same_as, []).get(q.same_as)!).push(q);
  return rows.filter((q) => !q.same_as && (!status || q.status === status)).map((q) => ({
    id: q.id, groupId: q.group_id, groupName: names.get(q.group_id) ?? q.group_id, memberId: q.member_id, asker: q.asker, text: q.text,
    status: q.status as 'open' | 'answered' | 'dismissed',
    repeats: (repeats.get(q.id) ?? []).map((x) => ({ id: x.id, groupName: names.get(x.group_id) ?? x.group_id, asker: x.asker, text: x.text })),
    answer: q.answer, answeredAt: q.answered_at === null ? null : iso(q.answered_at), askedAt: iso(q.asked_at),
  }));
}

async function questionRow(ctx: Ctx, sessionId: string, qid: string) {
  const q = await ctx.tdb.selectFrom('live_questions').selectAll().where('session_id', '=', sessionId).where('id', '=', qid).executeTakeFirst();
  if (!q) throw notFound('question', qid);
  if (q.same_as) return questionRow(ctx, sessionId, q.same_as);
  return q;
}

/** The host or a speaker answers a question: the question with its answer goes to every group (the main one too), once. */
export async function answerQuestion(ctx: Ctx, id: string, qid: string, input: z.infer<typeof AnswerSchema>) {
  ctx.authorize('live.manage');
  await ctx.transaction(async (tx) => {
    const r = await sessionRow(tx, id);
    if (r.status === 'ended') throw conflict('The session has ended', { status: r.status });
    const q = await questionRow(tx, id, qid);
    if (q.status === 'answered') throw conflict('The question was answered already', { answeredAt: iso(q.answered_at!) });
    const now = tx.clock.now();
    await tx.tdb.updateTable('live_questions').set({ status: 'answered', answer: input.answer, answered_by: tx.actor.name, answered_at: now })
      .where('session_id', '=', id).where((eb) => eb.or([eb('id', '=', q.id), eb('same_as', '=', q.id)])).execute();
    const group = (await groupNames(tx, [q.group_id])).get(q.group_id) ?? '';
    const seq = await nextSeq(tx, id);
    await tx.tdb.insertInto('live_messages', {
      id: tx.ids.next('lmsg'), session_id: id, seq, kind: 'answer', activity_id: `answer:${q.id}`, speaker: input.by,
      payload: JSON.stringify({ text: input.answer, question: { asker: q.asker, group, text: q.text } }), hidden: 0, edited_text: null, recalled: 0, at: now,
    }).execute();
    await broadcast(tx, r, `relay:${id}:${seq}`, answerLine({ asker: q.asker, group, text: q.text }, input.answer, input.by), { main: true, payload: { relay: { session: id, seq } } });
    await recordAudit(tx, 'live.answer', { type: 'live_session', id }, { question: q.id });
  });
  // The question answered, or the one it repeats (answering a repeat answers the first asker's).
  return (await listQuestions(ctx, id)).find((x) => x.id === qid || x.repeats.some((y) => y.id === qid))!;
}

export async function dismissQuestion(ctx: Ctx, id: string, qid: string) {
  ctx.authorize('live.manage');
  await sessionRow(ctx, id);
  const q = await questionRow(ctx, id, qid);
  if (q.status !== 'open') throw conflict(`The question is ${q.status}`, { status: q.status });
  await ctx.tdb.updateTable('live_questions').set({ status: 'dismissed' }).where('session_id', '=', id).where((eb) => eb.or([eb('id', '=', q.id), eb('same_as', '=', q.id)])).execute();
  return (await listQuestions(ctx, id)).find((x) => x.id === q.id)!;
}

export async function nextSeq(ctx: Ctx, sessionId: string): Promise<number> {
  const last = await ctx.tdb.selectFrom('live_messages').select((eb) => eb.fn.max<number>('seq').as('n')).where('session_id', '=', sessionId).executeTakeFirst();
  return Number(last?.n ?? 0) + 1;
}

// ---- archive and replay ----

type MessageRow = Database['live_messages'];
function toMessage(m: MessageRow): z.infer<typeof LiveMessageSchema> {
  type File = { uploadId: string; name: string; mime: string; bytes: number; kind: 'file' | 'voice' | 'video' | 'audio' };
  const p = parse<{ text?: string; image?: { uploadId: string; width?: number; height?: number }; file?: File; replyToSeq?: number; question?: { asker: string; group: string; text: string } }>(m.payload);
  return {
    id: m.id, seq: Number(m.seq), kind: m.kind as 'speech' | 'answer' | 'notice', speaker: m.speaker,
    text: m.edited_text ?? p.text ?? '', originalText: m.edited_text !== null ? (p.text ?? '') : null,
    image: p.image ? { url: `/api/v1/uploads/${p.image.uploadId}`, width: p.image.width ?? 0, height: p.image.height ?? 0 } : null,
    file: p.file ? { url: `/api/v1/uploads/${p.file.uploadId}`, name: p.file.name, mime: p.file.mime, bytes: p.file.bytes, kind: p.file.kind } : null,
    replyToSeq: p.replyToSeq ?? null, question: p.question ?? null, hidden: m.hidden === 1, at: iso(m.at),
  };
}

export async function archive(ctx: Ctx, id: string) {
  ctx.authorize('activity.read');
  await sessionRow(ctx, id);
  return (await ctx.tdb.selectFrom('live_messages').selectAll().where('session_id', '=', id).orderBy('seq').execute()).map(toMessage);
}

/** The host tidies the archive: hides chatter, corrects typos, writes the summary. The messages as said are kept. */
export async function editArchive(ctx: Ctx, id: string, input: z.infer<typeof ArchiveEditSchema>) {
  ctx.authorize('live.manage');
  await ctx.transaction(async (tx) => {
    await sessionRow(tx, id);
    const seqs = new Set((await tx.tdb.selectFrom('live_messages').select('seq').where('session_id', '=', id).execute()).map((m) => Number(m.seq)));
    const bad = input.messages.map((m, i) => ({ m, i })).filter(({ m }) => !seqs.has(m.seq));
    if (bad.length) throw invalid(bad.map(({ m, i }) => ({ field: `messages.${i}.seq`, reason: `the session has no message ${m.seq}` })));
    for (const m of input.messages) {
      await tx.tdb.updateTable('live_messages').set({
        ...(m.hidden !== undefined ? { hidden: m.hidden ? 1 : 0 } : {}), ...(m.text !== undefined ? { edited_text: m.text } : {}),
      }).where('session_id', '=', id).where('seq', '=', m.seq).execute();
    }
    if (input.summary !== undefined) await tx.tdb.updateTable('live_sessions').set({ summary: input.summary, updated_at: tx.clock.now() }).where('id', '=', id).execute();
    await recordAudit(tx, 'live.archive.edit', { type: 'live_session', id }, { messages: input.messages.length, summary: input.summary !== undefined });
  });
  return archive(ctx, id);
}

/** Sends the edited archive again to the session's target groups (a replay for those who missed it). */
export async function rebroadcast(ctx: Ctx, id: string): Promise<{ messages: number; groups: number }> {
  ctx.authorize('live.manage');
  return ctx.transaction(async (tx) => {
    const r = await sessionRow(tx, id);
    if (r.status !== 'ended') throw conflict('Only an ended session can be broadcast again', { status: r.status });
    const n = Number(r.rebroadcasts) + 1;
    await tx.tdb.updateTable('live_sessions').set({ rebroadcasts: n, updated_at: tx.clock.now() }).where('id', '=', id).execute();
    const msgs = (await archive(tx, id)).filter((m) => !m.hidden);
    await broadcast(tx, r, `relay:${id}:replay${n}:0`, `【直播回放】《${r.title}》${r.summary ? `\n${r.summary}` : ''}`);
    const rows = await tx.tdb.selectFrom('live_messages').select(['seq', 'payload']).where('session_id', '=', id).execute();
    // The image or file goes again with its line (as the relay sent it: the upload, which each connector copies or uploads once).
    const media = new Map(rows.map((x) => {
      const p = parse<{ image?: unknown; file?: unknown }>(x.payload);
      return [Number(x.seq), { ...(p.image ? { image: p.image } : {}), ...(p.file ? { file: p.file } : {}) }];
    }));
    for (const m of msgs) {
      const line = m.kind === 'answer' && m.question ? answerLine(m.question, m.text, m.speaker) : `【回放】${m.speaker}：${m.text}`;
      await broadcast(tx, r, `relay:${id}:replay${n}:${m.seq}`, line, { payload: media.get(m.seq) ?? {} });
    }
    await recordAudit(tx, 'live.rebroadcast', { type: 'live_session', id }, { n, messages: msgs.length });
    return { messages: msgs.length, groups: (await targetGroups(tx, id)).length };
  });
}

/** The communities a member sits in (a group of theirs belongs to them): their replays are theirs to see. */
async function memberCommunities(ctx: Ctx, memberId: string): Promise<Set<string>> {
  const rows = await ctx.tdb.selectFrom('memberships').innerJoin('groups', 'groups.id', 'memberships.group_id').select('groups.community_id')
    .where('memberships.member_id', '=', memberId).where('memberships.left_at', 'is', null).where('groups.workspace_id', '=', ctx.workspaceId).execute();
  return new Set(rows.map((r) => r.community_id));
}

async function toReplay(ctx: Ctx, r: Row, withMessages: boolean) {
  const s = await toSession(ctx, r);
  const base = {
    id: r.id, title: r.title, description: r.description, coverUrl: r.cover_url, summary: r.summary, startedAt: s.startedAt, endedAt: s.endedAt,
    speakers: s.speakers.map((x) => x.name),
  };
  if (!withMessages) return base;
  const messages = (await ctx.tdb.selectFrom('live_messages').selectAll().where('session_id', '=', r.id).where('hidden', '=', 0).where('recalled', '=', 0).orderBy('seq').execute())
    .map(toMessage).map(({ hidden: _h, originalText: _o, ...m }) => m);
  return { ...base, messages };
}

/** Ended sessions a member may replay: their communities', and those relayed to a group they sit in. */
function replayable(ctx: Ctx, memberId: string, communities: string[]) {
  const groups = ctx.tdb.selectFrom('memberships').select('group_id').where('member_id', '=', memberId).where('left_at', 'is', null);
  const targeted = ctx.tdb.selectFrom('live_targets').select('session_id').where('group_id', 'in', groups);
  return ctx.tdb.selectFrom('live_sessions').selectAll().where('status', '=', 'ended')
    .where((eb) => eb.or([...(communities.length ? [eb('community_id', 'in', communities)] : []), eb('id', 'in', targeted)]));
}

export async function memberReplays(ctx: Ctx, memberId: string): Promise<z.infer<typeof ReplaySummarySchema>[]> {
  const communities = [...(await memberCommunities(ctx, memberId))];
  const rows = await replayable(ctx, memberId, communities).orderBy('ended_at', 'desc').limit(100).execute();
  if (!rows.length) return [];
  const names = new Map((await ctx.tdb.selectFrom('communities').select(['id', 'name']).where('id', 'in', rows.map((r) => r.community_id)).execute()).map((c) => [c.id, c.name]));
  const out = [];
  for (const r of rows) {
    const n = await ctx.tdb.selectFrom('live_messages').select((eb) => eb.fn.countAll().as('n')).where('session_id', '=', r.id).where('hidden', '=', 0).executeTakeFirstOrThrow();
    out.push({ ...(await toReplay(ctx, r, false)), messageCount: Number(n.n), community: names.get(r.community_id) ?? '' });
  }
  return out;
}

export async function memberReplay(ctx: Ctx, memberId: string, id: string): Promise<z.infer<typeof ReplaySchema>> {
  const r = await replayable(ctx, memberId, [...(await memberCommunities(ctx, memberId))]).where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('replay', id);
  const replay = (await toReplay(ctx, r, true)) as z.infer<typeof ReplaySchema>;
  // An image or file was uploaded to the main group; the member sees the copy the relay put in a group of theirs.
  const mine = ctx.tdb.selectFrom('memberships').select('group_id').where('member_id', '=', memberId).where('left_at', 'is', null);
  const copyFor = async (url: string) => {
    const original = url.split('/').pop()!;
    const copy = await ctx.tdb.selectFrom('uploads').select('id')
      .where('storage_key', '=', (eb) => eb.selectFrom('uploads as u').select('u.storage_key').where('u.id', '=', original).where('u.workspace_id', '=', ctx.workspaceId))
      .where('group_id', 'in', mine).orderBy('created_at').limit(1).executeTakeFirst();
    return copy ? `/api/v1/uploads/${copy.id}` : null;
  };
  for (const m of replay.messages) {
    if (m.image) {
      const url = await copyFor(m.image.url);
      m.image = url ? { ...m.image, url } : null;
    }
    if (m.file) {
      const url = await copyFor(m.file.url);
      m.file = url ? { ...m.file, url } : null;
    }
  }
  return replay;
}

// ---- group owners' applications (群主招募) ----

const toApplication = (a: Database['live_applications']): z.infer<typeof ApplicationSchema> => ({
  id: a.id, sessionId: a.session_id, platform: a.platform, groupName: a.group_name, groupRef: a.group_ref, applicant: a.applicant, contact: a.contact,
  members: a.members === null ? null : Number(a.members), note: a.note, status: a.status as 'pending' | 'approved' | 'rejected', groupId: a.group_id, reason: a.reason,
  createdAt: iso(a.created_at), decidedAt: a.decided_at === null ? null : iso(a.decided_at), match: null,
});

export async function publicSession(ctx: Ctx, id: string): Promise<z.infer<typeof PublicSessionSchema>> {
  const r = await ctx.tdb.selectFrom('live_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r || r.status === 'ended') throw notFound('live session', id);
  const c = await ctx.tdb.selectFrom('communities').select('name').where('id', '=', r.community_id).executeTakeFirst();
  const bots = await ctx.tdb.selectFrom('connections').select('handle').where('platform', '=', 'telegram').where('status', '=', 'active').execute();
  return {
    id: r.id, title: r.title, description: r.description, coverUrl: r.cover_url, scheduledAt: r.scheduled_at === null ? null : iso(r.scheduled_at),
    status: r.status as LiveSession['status'], community: c?.name ?? '', telegramBots: bots.flatMap((b) => (b.handle ? [`@${b.handle}`] : [])),
  };
}

/** A group owner asks to bring their group into a session (the public page; no sign-in). */
export async function apply(ctx: Ctx, id: string, input: z.infer<typeof ApplicationCreateSchema>): Promise<z.infer<typeof ApplicationSchema>> {
  await publicSession(ctx, id);
  return ctx.transaction(async (tx) => {
    // One open application per group and contact: sending the form twice is not two applications.
    const same = await tx.tdb.selectFrom('live_applications').selectAll().where('session_id', '=', id).where('status', '=', 'pending')
      .where('group_name', '=', input.groupName).where('contact', '=', input.contact).executeTakeFirst();
    if (same) return toApplication(same);
    const row = {
      id: tx.ids.next('lapp'), session_id: id, platform: input.platform, group_name: input.groupName, group_ref: input.groupRef ?? null, applicant: input.applicant,
      contact: input.contact, members: input.members ?? null, note: input.note ?? null, status: 'pending', group_id: null, decided_by: null, decided_at: null, reason: null,
      created_at: tx.clock.now(),
    };
    await tx.tdb.insertInto('live_applications', row).execute();
    return toApplication({ ...row, workspace_id: tx.workspaceId });
  });
}

export async function listApplications(ctx: Ctx, id: string, status?: string) {
  ctx.authorize('activity.read');
  await sessionRow(ctx, id);
  let q = ctx.tdb.selectFrom('live_applications').selectAll().where('session_id', '=', id).orderBy('created_at', 'desc');
  if (status) q = q.where('status', '=', status);
  // A pending application says which group approving it would add, or why none (shown to the operator before deciding).
  return Promise.all((await q.execute()).map(async (a) => ({ ...toApplication(a), match: a.status === 'pending' ? await groupOfApplication(ctx, a) : null })));
}

/** How an application's group was found, or why it was not. */
type Match = z.infer<typeof ApplicationMatchSchema>;

/**
 * What a Telegram group reference says: a public username (`https://t.me/name`, `t.me/name`, `@name`, `name`),
 * a private invite link (`t.me/+…`, `t.me/joinchat/…`: it names no group Shequn can see), or something else.
 */
export function telegramRef(ref: string): { username: string } | { privateLink: true } | null {
  const link = /^(?:https?:\/\/)?(?:www\.)?(?:t|telegram)\.(?:me|dog)\/(.*)$/i.exec(ref.trim());
  const path = link ? link[1]!.split(/[?#]/)[0]!.replace(/\/+$/, '') : null;
  if (path !== null && (/^\+/.test(path) || /^joinchat(\/|$)/i.test(path))) return { privateLink: true };
  // A link to a message in the group (t.me/name/123) still names the group; t.me/s/name is its web preview.
  const name = path !== null ? path.replace(/^s\//i, '').split('/')[0]! : ref.trim().replace(/^@/, '');
  return /^[a-z][a-z0-9_]{3,31}$/i.test(name) ? { username: name } : null;
}

/** The group an application names, when Shequn knows it: by the platform's id (a Telegram chat id), its public username, or by name on the platform. */
async function groupOfApplication(ctx: Ctx, a: Database['live_applications']): Promise<Match> {
  const ref = a.group_ref?.trim();
  const found = async (id: string, by: Match['by']): Promise<Match> => {
    const g = await ctx.tdb.selectFrom('groups').select('name').where('id', '=', id).executeTakeFirst();
    return { groupId: id, groupName: g?.name ?? null, by, problem: null, reason: null };
  };
  let problem: Match['problem'] = null;
  let reason: string | null = null;
  if (ref) {
    const bare = ref.replace(/^-100/, '').replace(/^-/, '');
    const g = await ctx.tdb.selectFrom('groups').select('id').where('platform', '=', a.platform).where('external_id', '=', bare).executeTakeFirst();
    if (g) return found(g.id, 'id');
    const link = await ctx.tdb.selectFrom('group_links').select('group_id').where('chat_ref', '=', ref).executeTakeFirst();
    if (link) return found(link.group_id, 'id');
    const tg = a.platform === 'telegram' ? telegramRef(ref) : null;
    if (tg && 'privateLink' in tg) {
      problem = 'private_link';
      reason = `${ref} is a private invite link: it does not say which group it opens. Ask the owner for the group's chat id or public @username (after adding the bot), or name the group`;
    } else if (tg) {
      const byHandle = await ctx.tdb.selectFrom('group_links').innerJoin('groups', 'groups.id', 'group_links.group_id').select('groups.id')
        .where('groups.platform', '=', a.platform).where('groups.status', '!=', 'archived')
        .where((eb) => eb(eb.fn('lower', ['group_links.handle']), '=', tg.username.toLowerCase())).groupBy('groups.id').execute();
      if (byHandle.length === 1) return found(byHandle[0]!.id, 'username');
      problem = 'unknown_username';
      reason = `no group Shequn knows has the username @${tg.username}: the owner adds the session's bot to the group (and makes it admin), then approve again or name the group`;
    }
  }
  const byName = await ctx.tdb.selectFrom('groups').select('id').where('platform', '=', a.platform).where('name', '=', a.group_name).where('status', '!=', 'archived').execute();
  if (byName.length === 1) return found(byName[0]!.id, 'name');
  return {
    groupId: null, groupName: null, by: null, problem: problem ?? 'not_found',
    reason: reason ?? (a.platform === 'telegram'
      ? 'Shequn does not know this group yet: the owner adds the session\'s bot to the group (and makes it admin), then approve again or name the group' : 'name the group to add (groupId)'),
  };
}

export async function decideApplication(ctx: Ctx, id: string, aid: string, input: z.infer<typeof ApplicationDecisionSchema>) {
  ctx.authorize('live.manage');
  return ctx.transaction(async (tx) => {
    const r = await sessionRow(tx, id);
    const a = await tx.tdb.selectFrom('live_applications').selectAll().where('session_id', '=', id).where('id', '=', aid).executeTakeFirst();
    if (!a) throw notFound('application', aid);
    if (a.status !== 'pending') throw conflict(`The application was ${a.status} already`, { status: a.status });
    const now = tx.clock.now();
    let groupId: string | null = null;
    if (input.decision === 'approve') {
      const match = input.groupId ? null : await groupOfApplication(tx, a);
      groupId = input.groupId ?? match?.groupId ?? null;
      if (!groupId) throw invalid([{ field: 'groupId', reason: match?.reason ?? 'name the group to add (groupId)' }]);
      const g = await tx.tdb.selectFrom('groups').select(['id', 'status']).where('id', '=', groupId).executeTakeFirst();
      if (!g || g.status === 'archived') throw invalid([{ field: 'groupId', reason: `no active group ${groupId}` }]);
      if (groupId === r.main_group_id) throw invalid([{ field: 'groupId', reason: 'that is the session\'s main group' }]);
      await tx.tdb.insertInto('live_targets', { session_id: id, group_id: groupId, origin: 'recruit', added_at: now })
        .onConflict((oc) => oc.columns(['workspace_id', 'session_id', 'group_id']).doNothing()).execute();
    }
    await tx.tdb.updateTable('live_applications').set({
      status: input.decision === 'approve' ? 'approved' : 'rejected', group_id: groupId, decided_by: tx.actor.name, decided_at: now, reason: input.reason ?? null,
    }).where('id', '=', aid).execute();
    await recordAudit(tx, `live.application.${input.decision}`, { type: 'live_session', id }, { application: aid, groupId });
    return toApplication((await tx.tdb.selectFrom('live_applications').selectAll().where('id', '=', aid).executeTakeFirstOrThrow()));
  });
}

export { ApplicationCreateSchema, ApplicationDecisionSchema, ArchiveEditSchema, LiveSessionCreateSchema, LiveSessionUpdateSchema };
