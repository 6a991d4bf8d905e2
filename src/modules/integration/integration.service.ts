// The integration wizard (整合): a draft plan over a community's groups, previewed live as the operator
// classifies groups and sets the rules; carried out once (the new set, its groups and invites, the move
// notices through the outbox, one move row per member), then tracked: who sits in their new group now.
import type { z } from 'zod';
import { iso } from '../../kernel/clock.ts';
import type { Ctx } from '../../kernel/context.ts';
import { chunks } from '../../kernel/db/chunks.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { conflict, invalid, notFound } from '../../kernel/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { getCommunity, type Community } from '../community/index.ts';
import { createGroup, createGroupSet, defaultCapacity } from '../group/index.ts';
import { createInvite } from '../joining/index.ts';
import { enqueue } from '../outbox/index.ts';
import { classifyGroup, type GroupFacts } from './classify.ts';
import {
  PlanGroupSchema, PlanSettingsSchema, type MoveListQuerySchema, type NewGroupPreview, type Plan, type PlanCreateSchema, type PlanGroup,
  type PlanSettings, type PlanStats, type PlanUpdateSchema,
} from './integration.schema.ts';
import { PatternError, planIntegration, type GroupKind, type PlanOutcome, type PlannerMember } from './planner.ts';

type Row = Database['integration_plans'];
const DAY = 86_400_000;

interface Result {
  newGroups: { key: string; name: string; groupId: string; invitePath: string }[];
  notices: { groupId: string; dedupeKey: string; text: string }[];
  stats: Omit<PlanStats, 'moved'>;
}

const defaults = (community: Community, name: string): PlanSettings => ({
  setName: name,
  moveBy: 'city',
  pattern: '{community}{key}{n}群',
  unknown: 'other',
  otherLabel: '综合',
  platform: 'builtin',
  seatsPerGroup: 450,
  skipSeated: true,
  notice: `【群整合通知】${community.name}的群将重新整合，本群成员请点击下面对应的链接加入新群：\n{links}\n加入新群后本群将不再使用，新群见！`,
});

// ---- the facts a plan is made from ----

interface Facts {
  groups: Map<string, Database['groups']>;
  seats: { memberId: string; groupId: string }[];
  members: Map<string, PlannerMember>;
  recent: Map<string, number>;
  last: Map<string, number>;
}

async function loadFacts(ctx: Ctx, groupIds: readonly string[]): Promise<Facts> {
  const groups = new Map<string, Database['groups']>();
  const seats: Facts['seats'] = [];
  const recent = new Map<string, number>();
  const last = new Map<string, number>();
  const since = ctx.clock.now() - 30 * DAY;
  for (const ids of chunks(groupIds)) {
    for (const g of await ctx.tdb.selectFrom('groups').selectAll().where('id', 'in', ids).execute()) groups.set(g.id, g);
    for (const r of await ctx.tdb.selectFrom('memberships').select(['member_id', 'group_id']).where('group_id', 'in', ids).where('left_at', 'is', null).execute()) {
      seats.push({ memberId: r.member_id, groupId: r.group_id });
    }
    const counts = await ctx.tdb.selectFrom('activities').select((eb) => ['group_id', eb.fn.countAll<number>().as('n')])
      .where('group_id', 'in', ids).where('kind', '=', 'message').where('occurred_at', '>=', since).groupBy('group_id').execute();
    for (const c of counts) if (c.group_id) recent.set(c.group_id, Number(c.n));
  }
  // One indexed lookup per group: a max over (workspace, group, time) reads one index entry.
  for (const id of groupIds) {
    const r = await ctx.tdb.selectFrom('activities').select((eb) => eb.fn.max('occurred_at').as('at')).where('group_id', '=', id).executeTakeFirst();
    if (r?.at != null) last.set(id, Number(r.at));
  }
  const members = new Map<string, PlannerMember>();
  for (const ids of chunks([...new Set(seats.map((s) => s.memberId))])) {
    for (const m of await ctx.tdb.selectFrom('members').select(['id', 'display_name', 'city', 'circle', 'tags']).where('id', 'in', ids).execute()) {
      members.set(m.id, { displayName: m.display_name, city: m.city, circle: m.circle, tags: JSON.parse(m.tags) as string[] });
    }
  }
  // A seat whose member is hidden (a staged import) is not a seat yet.
  return { groups, seats: seats.filter((s) => members.has(s.memberId)), members, recent, last };
}

/** Each group's seats and its members' cities, in one pass over the seats. */
function seatsByGroup(f: Facts): Map<string, { seats: number; cities: Map<string, number> }> {
  const out = new Map<string, { seats: number; cities: Map<string, number> }>();
  for (const s of f.seats) {
    const g = out.get(s.groupId) ?? out.set(s.groupId, { seats: 0, cities: new Map() }).get(s.groupId)!;
    g.seats++;
    const city = f.members.get(s.memberId)?.city;
    if (city) g.cities.set(city, (g.cities.get(city) ?? 0) + 1);
  }
  return out;
}

function groupFacts(f: Facts, per: ReturnType<typeof seatsByGroup>, id: string): GroupFacts {
  const g = f.groups.get(id)!;
  const mine = per.get(id);
  return {
    groupId: id, name: g.name, kind: g.kind as GroupKind, region: g.region, seats: mine?.seats ?? 0, memberCities: mine?.cities ?? new Map(),
    recentMessages: f.recent.get(id) ?? 0, lastMessageAt: f.last.get(id) ?? null,
  };
}

// ---- plans ----

async function planRow(ctx: Ctx, id: string): Promise<Row> {
  const r = await ctx.tdb.selectFrom('integration_plans').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('integration plan', id);
  await getCommunity(ctx, r.community_id); // 404 for a community the actor does not see
  return r;
}

const communityInterests = (c: Community) => [...c.canvas.persona.interests, ...(c.canvas.sharedInterest.description ? [c.canvas.sharedInterest.description] : [])];

export async function createPlan(ctx: Ctx, input: z.infer<typeof PlanCreateSchema>): Promise<Plan> {
  ctx.authorize('group.write');
  const community = await getCommunity(ctx, input.communityId).catch(() => {
    throw invalid([{ field: 'communityId', reason: `community ${input.communityId} does not exist` }]);
  });
  const v = await ctx.visibility();
  const all = await ctx.tdb.selectFrom('groups').select(['id', 'status']).where('community_id', '=', community.id).orderBy('created_at').orderBy('id').execute();
  const mine = all.filter((g) => v.all || v.groupIds.has(g.id));
  let groupIds: string[];
  if (input.groupIds) {
    const known = new Set(mine.map((g) => g.id));
    const bad = input.groupIds.findIndex((id) => !known.has(id));
    if (bad >= 0) throw invalid([{ field: `groupIds[${bad}]`, reason: `group ${input.groupIds[bad]} is not a group of community ${community.id}` }]);
    groupIds = [...new Set(input.groupIds)];
  } else {
    groupIds = mine.filter((g) => g.status !== 'archived').map((g) => g.id);
  }
  if (groupIds.length === 0) throw invalid([{ field: 'groupIds', reason: `community ${community.id} has no groups to integrate` }]);
  const settings = defaults(community, input.name);
  const facts = await loadFacts(ctx, groupIds);
  const now = ctx.clock.now();
  const per = seatsByGroup(facts);
  const groups = groupIds.map((id) => classifyGroup(groupFacts(facts, per, id), communityInterests(community), settings.seatsPerGroup, now));
  const row: Row = {
    id: ctx.ids.next('itp'), workspace_id: ctx.workspaceId, community_id: community.id, name: input.name, status: 'draft', groups: JSON.stringify(groups),
    settings: JSON.stringify(settings), result: null, group_set_id: null, created_by: ctx.actor.name, created_at: now, updated_at: now, carried_out_at: null,
  };
  await ctx.transaction(async (tx) => {
    const { workspace_id: _, ...values } = row;
    await tx.tdb.insertInto('integration_plans', values).execute();
    await recordAudit(tx, 'integration.create', { type: 'integration_plan', id: row.id }, { communityId: community.id, groups: groupIds.length });
  });
  return view(ctx, row, community, facts);
}

export async function listPlans(ctx: Ctx, communityId?: string): Promise<Pick<Plan, 'id' | 'communityId' | 'name' | 'status' | 'createdAt' | 'updatedAt' | 'carriedOutAt'>[]> {
  ctx.authorize('group.read');
  let q = ctx.tdb.selectFrom('integration_plans').select(['id', 'community_id', 'name', 'status', 'created_at', 'updated_at', 'carried_out_at']).orderBy('created_at', 'desc').orderBy('id', 'desc');
  if (communityId) q = q.where('community_id', '=', communityId);
  const v = await ctx.visibility();
  return (await q.execute()).filter((r) => v.all || v.communityIds.has(r.community_id)).map((r) => ({
    id: r.id, communityId: r.community_id, name: r.name, status: r.status as Plan['status'], createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
    carriedOutAt: r.carried_out_at === null ? null : iso(r.carried_out_at),
  }));
}

export async function getPlan(ctx: Ctx, id: string): Promise<Plan> {
  ctx.authorize('group.read');
  const row = await planRow(ctx, id);
  return view(ctx, row, await getCommunity(ctx, row.community_id));
}

export async function updatePlan(ctx: Ctx, id: string, input: z.infer<typeof PlanUpdateSchema>): Promise<Plan> {
  ctx.authorize('group.write');
  const row = await planRow(ctx, id);
  if (row.status !== 'draft') throw conflict(`integration plan ${id} has been carried out; start a new plan to change it`, { id });
  const groups = JSON.parse(row.groups) as PlanGroup[];
  const index = new Map(groups.map((g, i) => [g.groupId, i]));
  for (const [i, change] of (input.groups ?? []).entries()) {
    const at = index.get(change.groupId);
    if (at === undefined) throw invalid([{ field: `groups[${i}].groupId`, reason: `group ${change.groupId} is not in plan ${id}` }]);
    groups[at] = PlanGroupSchema.parse({ ...groups[at], ...change });
  }
  const settings = PlanSettingsSchema.parse({ ...JSON.parse(row.settings), ...input.settings });
  const community = await getCommunity(ctx, row.community_id);
  const facts = await loadFacts(ctx, groups.map((g) => g.groupId));
  const next: Row = { ...row, name: input.name ?? row.name, groups: JSON.stringify(groups), settings: JSON.stringify(settings), updated_at: ctx.clock.now() };
  // A pattern that names two groups alike is refused now, not when the plan is carried out.
  const planned = outcome(community, next, facts);
  await ctx.transaction(async (tx) => {
    const done = await tx.tdb.updateTable('integration_plans').set({ name: next.name, groups: next.groups, settings: next.settings, updated_at: next.updated_at })
      .where('id', '=', id).where('status', '=', 'draft').executeTakeFirst();
    if (Number(done.numUpdatedRows) === 0) throw conflict(`integration plan ${id} has been carried out; start a new plan to change it`, { id });
  });
  return view(ctx, next, community, facts, planned);
}

export async function deletePlan(ctx: Ctx, id: string): Promise<void> {
  ctx.authorize('group.write');
  const row = await planRow(ctx, id);
  if (row.status !== 'draft') throw conflict(`integration plan ${id} has been carried out and is kept as the record of the move`, { id });
  await ctx.transaction(async (tx) => {
    await tx.tdb.deleteFrom('integration_plans').where('id', '=', id).where('status', '=', 'draft').execute();
    await recordAudit(tx, 'integration.delete', { type: 'integration_plan', id });
  });
}

function outcome(community: Community, row: Row, facts: Facts): PlanOutcome {
  const groups = (JSON.parse(row.groups) as PlanGroup[]).filter((g) => facts.groups.has(g.groupId));
  try {
    return planIntegration({ communityName: community.name, groups, seats: facts.seats, members: facts.members, settings: JSON.parse(row.settings), interests: communityInterests(community) });
  } catch (err) {
    if (err instanceof PatternError) throw invalid([{ field: 'settings.pattern', reason: err.message }]);
    throw err;
  }
}

const noticeKey = (planId: string, groupId: string) => `integration:${planId}:${groupId}`;

/**
 * Carries the plan out, once: the new group set (kept groups join it), the new groups with an invite each,
 * a move notice in every merged group listing the new groups its members go to, and one move row per member.
 * `linkBase` is the public address invites are opened at (e.g. https://shequn.example.com).
 */
export async function carryOutPlan(ctx: Ctx, id: string, linkBase: string): Promise<Plan> {
  ctx.authorize('group.write');
  const row = await planRow(ctx, id);
  if (row.status !== 'draft') throw conflict(`integration plan ${id} has already been carried out`, { id });
  const community = await getCommunity(ctx, row.community_id);
  const settings = JSON.parse(row.settings) as PlanSettings;
  const groups = JSON.parse(row.groups) as PlanGroup[];
  const facts = await loadFacts(ctx, groups.map((g) => g.groupId));
  const plan = outcome(community, row, facts);
  if (plan.groups.length === 0 && !groups.some((g) => g.decision === 'keep')) {
    throw invalid([{ field: 'groups', reason: 'the plan neither keeps a group nor moves anyone: mark groups keep or merge' }]);
  }
  await ctx.transaction(async (tx) => {
    const now = tx.clock.now();
    // Claim the plan first: a second carry-out running at the same time finds it taken and stops.
    const claimed = await tx.tdb.updateTable('integration_plans').set({ status: 'carried_out', carried_out_at: now, updated_at: now })
      .where('id', '=', id).where('status', '=', 'draft').executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) throw conflict(`integration plan ${id} has already been carried out`, { id });
    const set = await createGroupSet(tx, { name: settings.setName, communityId: community.id, namingPattern: settings.pattern });
    const keep = groups.filter((g) => g.decision === 'keep').map((g) => g.groupId);
    for (const ids of chunks(keep)) await tx.tdb.updateTable('groups').set({ group_set_id: set.id, updated_at: now }).where('id', 'in', ids).execute();
    const kind: GroupKind = settings.moveBy === 'city' ? 'city' : settings.moveBy === 'interest' ? 'hobby' : 'member';
    const made: Result['newGroups'] = [];
    for (const g of plan.groups) {
      const group = await createGroup(tx, {
        communityId: community.id, groupSetId: set.id, platform: settings.platform, name: g.name, kind, function: 'retain', official: true,
        structure: 'pyramid', status: 'active', capacity: Math.max(settings.seatsPerGroup, defaultCapacity[settings.platform]),
        region: settings.moveBy === 'city' && g.key !== settings.otherLabel ? g.key.slice(0, 64) : null,
      });
      const invite = await createInvite(tx, { targetType: 'group', targetId: group.id });
      made.push({ key: g.key, name: g.name, groupId: group.id, invitePath: invite.path });
    }
    const moves = plan.moves.map((m) => ({ plan_id: id, member_id: m.memberId, from_group_id: m.fromGroupId, to_group_id: made[m.to]!.groupId }));
    await tx.tdb.bulkInsert('integration_moves', moves);
    const notices: Result['notices'] = [];
    for (const g of groups.filter((x) => x.decision === 'merge')) {
      const targets = plan.groups.map((pg, i) => ({ pg, i })).filter(({ pg }) => pg.from.has(g.groupId));
      if (targets.length === 0) continue;
      const links = targets.map(({ pg, i }) => `${pg.name}：${linkBase}${made[i]!.invitePath}`).join('\n');
      const text = settings.notice.includes('{links}') ? settings.notice.replaceAll('{links}', links) : `${settings.notice}\n${links}`;
      const old = facts.groups.get(g.groupId)!;
      const dedupeKey = noticeKey(id, g.groupId);
      await enqueue(tx, [{
        dedupeKey, action: 'send', platform: old.platform, groupId: g.groupId, memberId: null, payload: { text },
        origin: { type: 'operator', id: ctx.actor.id }, reason: `整合 ${row.name}`, causeActivityId: null,
      }]);
      notices.push({ groupId: g.groupId, dedupeKey, text });
    }
    const { left, ...stats } = plan.stats;
    const result: Result = { newGroups: made, notices, stats: { ...stats, leftSample: sample(left, facts) } };
    await tx.tdb.updateTable('integration_plans').set({ result: JSON.stringify(result), group_set_id: set.id }).where('id', '=', id).execute();
    await recordAudit(tx, 'integration.carry_out', { type: 'integration_plan', id }, { groupSetId: set.id, newGroups: made.length, moves: moves.length, notices: notices.length });
  });
  // The old groups' seats are what they were a moment ago: the facts already loaded serve the answer.
  return view(ctx, await planRow(ctx, id), community, facts);
}

/** Archives the plan's merged and retired groups once the move is over. */
export async function archiveOldGroups(ctx: Ctx, id: string): Promise<Plan> {
  ctx.authorize('group.write');
  const row = await planRow(ctx, id);
  if (row.status !== 'carried_out') throw conflict(`integration plan ${id} has not been carried out yet; carry it out before archiving its old groups`, { id });
  const old = (JSON.parse(row.groups) as PlanGroup[]).filter((g) => g.decision !== 'keep').map((g) => g.groupId);
  await ctx.transaction(async (tx) => {
    for (const ids of chunks(old)) {
      await tx.tdb.updateTable('groups').set({ status: 'archived', updated_at: tx.clock.now() }).where('id', 'in', ids).where('status', '!=', 'archived').execute();
    }
    await recordAudit(tx, 'integration.archive_old_groups', { type: 'integration_plan', id }, { groups: old.length });
  });
  return getPlan(ctx, id);
}

// ---- tracking ----

interface MoveState { memberId: string; fromGroupId: string; toGroupId: string; movedAt: number | null }

/** Each planned move with the time the member (or the member they were merged into) took a seat in the new group. */
async function moveStates(ctx: Ctx, planId: string, newGroupIds: readonly string[]): Promise<MoveState[]> {
  const moves = await ctx.tdb.selectFrom('integration_moves').select(['member_id', 'from_group_id', 'to_group_id']).where('plan_id', '=', planId).execute();
  const seated = new Map<string, number>();
  for (const ids of chunks(newGroupIds)) {
    for (const m of await ctx.tdb.selectFrom('memberships').select(['group_id', 'member_id', 'joined_at']).where('group_id', 'in', ids).where('left_at', 'is', null).execute()) {
      seated.set(`${m.group_id}|${m.member_id}`, Number(m.joined_at));
    }
  }
  // A planned member who joined under a new record and was merged since counts through the kept record.
  const keptFor = new Map<string, string>();
  for (const r of await ctx.tdb.selectFrom('member_merges').select(['kept_id', 'merged_id']).where('split_at', 'is', null).execute()) keptFor.set(r.merged_id, r.kept_id);
  const current = (id: string) => {
    for (let i = 0; i < 20 && keptFor.has(id); i++) id = keptFor.get(id)!;
    return id;
  };
  return moves.map((m) => ({ memberId: m.member_id, fromGroupId: m.from_group_id, toGroupId: m.to_group_id, movedAt: seated.get(`${m.to_group_id}|${current(m.member_id)}`) ?? null }));
}

export async function listMoves(ctx: Ctx, id: string, q: z.infer<typeof MoveListQuerySchema>) {
  ctx.authorize('group.read');
  const row = await planRow(ctx, id);
  const result = row.result ? (JSON.parse(row.result) as Result) : null;
  let states = result ? await moveStates(ctx, id, result.newGroups.map((g) => g.groupId)) : [];
  if (q.toGroupId) states = states.filter((s) => s.toGroupId === q.toGroupId);
  if (q.status) states = states.filter((s) => (q.status === 'moved') === (s.movedAt !== null));
  states.sort((a, b) => (b.movedAt ?? 0) - (a.movedAt ?? 0) || (a.memberId < b.memberId ? -1 : 1));
  const page = states.slice(q.offset, q.offset + q.limit);
  const names = new Map<string, string>();
  for (const ids of chunks(page.map((s) => s.memberId))) {
    for (const m of await ctx.tdb.selectFrom('members').select(['id', 'display_name']).where('id', 'in', ids).execute()) names.set(m.id, m.display_name);
  }
  return {
    total: states.length,
    items: page.map((s) => ({ memberId: s.memberId, displayName: names.get(s.memberId) ?? s.memberId, fromGroupId: s.fromGroupId, toGroupId: s.toGroupId, movedAt: s.movedAt === null ? null : iso(s.movedAt) })),
  };
}

// ---- the view ----

function sample(ids: readonly string[], facts: Facts) {
  return ids.slice(0, 20).map((id) => ({ id, displayName: facts.members.get(id)?.displayName ?? id }));
}

async function view(ctx: Ctx, row: Row, community: Community, given?: Facts, planned?: PlanOutcome): Promise<Plan> {
  const planGroups = JSON.parse(row.groups) as PlanGroup[];
  const facts = given ?? (await loadFacts(ctx, planGroups.map((g) => g.groupId)));
  const seatsBy = new Map<string, string[]>();
  for (const s of facts.seats) (seatsBy.get(s.memberId) ?? seatsBy.set(s.memberId, []).get(s.memberId)!).push(s.groupId);
  const shared = new Map<string, number>();
  for (const gs of seatsBy.values()) if (gs.length > 1) for (const g of gs) shared.set(g, (shared.get(g) ?? 0) + 1);
  const per = seatsByGroup(facts);
  const groups = planGroups.filter((g) => facts.groups.has(g.groupId)).map((g) => {
    const r = facts.groups.get(g.groupId)!;
    return { ...g, name: r.name, platform: r.platform, seats: per.get(g.groupId)?.seats ?? 0, recentMessages: facts.recent.get(g.groupId) ?? 0, lastActivityAt: facts.last.has(g.groupId) ? iso(facts.last.get(g.groupId)!) : null, sharedSeats: shared.get(g.groupId) ?? 0 };
  });
  let newGroups: NewGroupPreview[];
  let stats: PlanStats;
  let warning: string | null = null;
  const notices: Plan['notices'] = [];
  if (row.result) {
    const result = JSON.parse(row.result) as Result;
    const states = await moveStates(ctx, row.id, result.newGroups.map((g) => g.groupId));
    const byTarget = new Map<string, MoveState[]>();
    for (const st of states) (byTarget.get(st.toGroupId) ?? byTarget.set(st.toGroupId, []).get(st.toGroupId)!).push(st);
    newGroups = result.newGroups.map((g) => {
      const mine = byTarget.get(g.groupId) ?? [];
      const from = new Map<string, number>();
      for (const s of mine) from.set(s.fromGroupId, (from.get(s.fromGroupId) ?? 0) + 1);
      return { key: g.key, name: g.name, members: mine.length, from: [...from].map(([groupId, members]) => ({ groupId, members })), groupId: g.groupId, invitePath: g.invitePath, moved: mine.filter((s) => s.movedAt !== null).length };
    });
    stats = { ...result.stats, moved: states.filter((s) => s.movedAt !== null).length };
    const outbox = new Map<string, Database['outbox']>();
    for (const keys of chunks(result.notices.map((n) => n.dedupeKey))) {
      for (const o of await ctx.tdb.selectFrom('outbox').selectAll().where('dedupe_key', 'in', keys).execute()) outbox.set(o.dedupe_key, o);
    }
    for (const n of result.notices) {
      const o = outbox.get(n.dedupeKey);
      notices.push({ groupId: n.groupId, outboxId: o?.id ?? null, status: o ? (o.undone_at !== null ? 'undone' : (o.status as 'pending' | 'done' | 'failed')) : 'missing', lastError: o?.last_error ?? null, text: n.text });
    }
  } else {
    try {
      const plan = planned ?? outcome(community, row, facts);
      newGroups = plan.groups.map((g) => ({ key: g.key, name: g.name, members: g.memberIds.length, from: [...g.from].map(([groupId, members]) => ({ groupId, members })), groupId: null, invitePath: null, moved: 0 }));
      const { left, ...rest } = plan.stats;
      stats = { ...rest, leftSample: sample(left, facts), moved: 0 };
    } catch (err) {
      // Members changed since the pattern was accepted (a new city, say): show the plan and what to fix.
      warning = (err as { errors?: { reason: string }[] }).errors?.[0]?.reason ?? (err as Error).message;
      newGroups = [];
      stats = { before: { groups: groups.length, seats: facts.seats.length, people: seatsBy.size }, after: { groups: 0, seats: 0, people: 0 }, moving: 0, leftWithoutGroup: 0, leftSample: [], moved: 0 };
    }
  }
  return {
    id: row.id, communityId: row.community_id, name: row.name, status: row.status as Plan['status'], groups, settings: JSON.parse(row.settings), newGroups, stats,
    warning, groupSetId: row.group_set_id, notices, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at), carriedOutAt: row.carried_out_at === null ? null : iso(row.carried_out_at),
  };
}
