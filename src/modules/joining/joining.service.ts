// Joining (入群) through invites and rotating invites (活码). Every decision comes from the group's effective
// rules (src/modules/rules): the entry mode, the ritual and the capacity rotation; nothing is fixed here.
import type { Kysely } from 'kysely';
import { customAlphabet } from 'nanoid';
import type { z } from 'zod';
import type { Ctx } from '../../kernel/context.ts';
import { decodeCursor, encodeCursor } from '../../kernel/cursor.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { ShequnError, conflict, invalid, notFound } from '../../kernel/errors.ts';
import { writeActivities } from '../activity/index.ts';
import { recordAudit } from '../audit/index.ts';
import { cloneGroup, visibleGroupRow } from '../group/index.ts';
import { createMember, joinGroup, visibleMemberRow, type Membership } from '../member/index.ts';
import { bindMemberSession, openMemberSession, type MemberSession } from '../builtin/member-session.ts';
import { effectiveRule, previewOf, type EntryMode, type RitualSettings } from '../rules/index.ts';
import type {
  Invite, InviteCreateSchema, InviteListQuerySchema, JoinRequest, JoinRequestListQuerySchema, JoinResult, JoinSubmit, JoinView,
} from './joining.schema.ts';
import { checkNickname, renderWelcome } from './ritual.ts';
import { awardBadge, awardPoints } from '../engagement/index.ts';
import { iso } from '../../kernel/clock.ts';

type GroupRow = Database['groups'];
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
const newCode = customAlphabet('23456789abcdefghjkmnpqrstuvwxyz', 10);

export const invitePath = (code: string) => `/m/join/${code}`;

const toInvite = (r: Database['invites']): Invite => ({
  id: r.id,
  code: r.code,
  targetType: r.target_type as Invite['targetType'],
  targetId: r.target_id,
  referrerMemberId: r.referrer_member_id,
  path: invitePath(r.code),
  createdAt: iso(r.created_at),
  revokedAt: isoOrNull(r.revoked_at),
});

interface Applicant {
  name: string;
  phone: string | null;
  answers: { question: string; answer: string }[];
  nickname: string | null;
  consentAccepted: boolean;
}

const toJoinRequest = (r: Database['join_requests']): JoinRequest => {
  const a = JSON.parse(r.applicant) as Applicant;
  return {
    id: r.id,
    groupId: r.group_id,
    memberId: r.member_id,
    applicant: { name: a.name, phone: a.phone ?? null, answers: a.answers ?? [], nickname: a.nickname ?? null },
    mode: r.mode as EntryMode,
    status: r.status as JoinRequest['status'],
    reason: r.reason,
    inviteId: r.invite_id,
    referrerMemberId: r.referrer_member_id,
    createdAt: iso(r.created_at),
    decidedAt: isoOrNull(r.decided_at),
    decidedBy: r.decided_by,
  };
};

// ---- invites ----

/** The workspace an invite code belongs to, for the public join pages (codes are unique across workspaces). */
export async function inviteWorkspace(db: Kysely<Database>, code: string): Promise<string | null> {
  const r = await db.selectFrom('invites').select('workspace_id').where('code', '=', code).where('revoked_at', 'is', null).executeTakeFirst();
  return r?.workspace_id ?? null;
}

async function checkInviteTarget(ctx: Ctx, targetType: Invite['targetType'], targetId: string) {
  const v = await ctx.visibility();
  if (targetType === 'group') {
    try {
      await visibleGroupRow(ctx, targetId);
    } catch {
      throw invalid([{ field: 'targetId', reason: `group ${targetId} does not exist` }]);
    }
    return;
  }
  const set = await ctx.tdb.selectFrom('group_sets').select('id').where('id', '=', targetId).executeTakeFirst();
  if (!set || (!v.all && !v.groupSetIds.has(targetId))) throw invalid([{ field: 'targetId', reason: `group set ${targetId} does not exist` }]);
}

async function inviteVisible(ctx: Ctx, r: Database['invites']): Promise<boolean> {
  const v = await ctx.visibility();
  return v.all || (r.target_type === 'group' ? v.groupIds.has(r.target_id) : v.groupSetIds.has(r.target_id));
}

export async function createInvite(ctx: Ctx, input: z.infer<typeof InviteCreateSchema>): Promise<Invite> {
  ctx.authorize('group.write');
  return ctx.transaction(async (tx) => {
    await checkInviteTarget(tx, input.targetType, input.targetId);
    if (input.referrerMemberId) {
      try {
        await visibleMemberRow(tx, input.referrerMemberId);
      } catch {
        throw invalid([{ field: 'referrerMemberId', reason: `member ${input.referrerMemberId} does not exist` }]);
      }
    }
    const row = {
      id: tx.ids.next('inv'), code: newCode(), target_type: input.targetType, target_id: input.targetId,
      referrer_member_id: input.referrerMemberId ?? null, created_at: tx.clock.now(), revoked_at: null,
    };
    await tx.tdb.insertInto('invites', row).execute();
    await recordAudit(tx, 'invite.create', { type: 'invite', id: row.id }, { targetType: row.target_type, targetId: row.target_id });
    return toInvite({ ...row, workspace_id: tx.workspaceId });
  });
}

export async function listInvites(ctx: Ctx, q: z.infer<typeof InviteListQuerySchema>): Promise<Invite[]> {
  ctx.authorize('group.read');
  let query = ctx.tdb.selectFrom('invites').selectAll().orderBy('created_at').orderBy('id').limit(1000);
  if (q.targetType) query = query.where('target_type', '=', q.targetType);
  if (q.targetId) query = query.where('target_id', '=', q.targetId);
  if (!q.includeRevoked) query = query.where('revoked_at', 'is', null);
  const out: Invite[] = [];
  for (const r of await query.execute()) if (await inviteVisible(ctx, r)) out.push(toInvite(r));
  return out;
}

export async function revokeInvite(ctx: Ctx, id: string): Promise<void> {
  ctx.authorize('group.write');
  await ctx.transaction(async (tx) => {
    const r = await tx.tdb.selectFrom('invites').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r || !(await inviteVisible(tx, r))) throw notFound('invite', id);
    if (r.revoked_at !== null) return;
    await tx.tdb.updateTable('invites').set({ revoked_at: tx.clock.now() }).where('id', '=', id).execute();
    await recordAudit(tx, 'invite.revoke', { type: 'invite', id });
  });
}

/** Whether the member may bring people into the group with their own invite (admission.invite). */
export async function checkMayInvite(ctx: Ctx, memberId: string, groupId: string): Promise<void> {
  const g = await ctx.tdb.selectFrom('groups').selectAll().where('id', '=', groupId).executeTakeFirstOrThrow();
  const s = (await effectiveRule(ctx, g, 'admission.invite')).settings;
  if (s.who === 'members') return;
  const m = await ctx.tdb.selectFrom('memberships').select('role').where('group_id', '=', groupId).where('member_id', '=', memberId).where('left_at', 'is', null).executeTakeFirst();
  const allowed = s.who === 'managers' ? ['creator', 'manager'] : s.roles;
  if (!m || !allowed.includes(m.role as never)) {
    throw new ShequnError('auth.forbidden', s.who === 'managers' ? 'In this group only its managers bring people in' : 'In this group only members with certain roles bring people in', { reason: 'admission' });
  }
}

/** The member's own invite to a group (created once, then reused): joins through it are attributed to them. */
export async function referralInvite(ctx: Ctx, memberId: string, groupId: string): Promise<Invite> {
  ctx.authorize('member.read');
  await visibleMemberRow(ctx, memberId);
  try {
    await visibleGroupRow(ctx, groupId);
  } catch {
    throw invalid([{ field: 'groupId', reason: `group ${groupId} does not exist` }]);
  }
  const find = () => ctx.tdb.selectFrom('invites').selectAll().where('target_type', '=', 'group').where('target_id', '=', groupId)
    .where('referrer_member_id', '=', memberId).where('revoked_at', 'is', null).orderBy('created_at').executeTakeFirst();
  const held = await find();
  if (held) return toInvite(held);
  return ctx.transaction(async (tx) => {
    const row = { id: tx.ids.next('inv'), code: newCode(), target_type: 'group', target_id: groupId, referrer_member_id: memberId, created_at: tx.clock.now(), revoked_at: null };
    await tx.tdb.insertInto('invites', row).execute();
    await recordAudit(tx, 'invite.create', { type: 'invite', id: row.id }, { targetType: 'group', targetId: groupId, referral: true });
    return toInvite({ ...row, workspace_id: tx.workspaceId });
  });
}

// ---- choosing the group ----

async function hasRoom(ctx: Ctx, g: GroupRow): Promise<boolean> {
  const { settings } = await effectiveRule(ctx, g, 'joining.capacity');
  const limit = Math.max(1, Math.floor((Number(g.capacity) * settings.thresholdPercent) / 100));
  const seats = await ctx.tdb.selectFrom('memberships').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('group_id', '=', g.id).where('left_at', 'is', null).executeTakeFirstOrThrow();
  return Number(seats.n) < limit;
}

async function firstWithRoom(ctx: Ctx, setId: string): Promise<GroupRow | null> {
  const groups = await ctx.tdb.selectFrom('groups').selectAll().where('group_set_id', '=', setId).where('status', '!=', 'archived')
    .orderBy('created_at').orderBy('id').execute();
  for (const g of groups) if (await hasRoom(ctx, g)) return g;
  return null;
}

/**
 * 活码 growing by itself: when the last group of a set with room reaches `growAtPercent`, a built-in set gets a
 * new group cloned from its newest (settings, rules, announcement), named by the set's naming pattern; other
 * platforms cannot be created from here, so the team is told (`group_set.nearly_full`).
 */
async function growSet(ctx: Ctx, g: GroupRow): Promise<void> {
  if (!g.group_set_id) return;
  const { settings } = await effectiveRule(ctx, g, 'joining.capacity');
  if (!settings.growAtPercent) return;
  const groups = await ctx.tdb.selectFrom('groups').selectAll().where('group_set_id', '=', g.group_set_id).where('status', '!=', 'archived')
    .orderBy('created_at').orderBy('id').execute();
  const open = [];
  for (const x of groups) if (await hasRoom(ctx, x)) open.push(x);
  if (open.length > 1) return;
  const last = open[0] ?? groups[groups.length - 1]!;
  const seats = Number((await ctx.tdb.selectFrom('memberships').select((eb) => eb.fn.countAll().as('n')).where('group_id', '=', last.id).where('left_at', 'is', null).executeTakeFirstOrThrow()).n);
  const at = Math.ceil((Number(last.capacity) * settings.growAtPercent) / 100);
  if (seats < at) return;
  if (last.platform !== 'builtin') {
    // Once, when the threshold is crossed.
    if (seats === at) ctx.emit({ type: 'group_set.nearly_full', workspaceId: ctx.workspaceId, groupId: last.id, data: { groupSetId: g.group_set_id, groupId: last.id, seats, capacity: Number(last.capacity) } });
    return;
  }
  const set = await ctx.tdb.selectFrom('group_sets').selectAll().where('id', '=', g.group_set_id).executeTakeFirstOrThrow();
  const n = groups.length + 1;
  const values: Record<string, string> = { n: String(n), nn: String(n).padStart(2, '0'), set: set.name, region: last.region ?? set.region ?? '' };
  const pattern = set.naming_pattern;
  const named = pattern && [...pattern.matchAll(/\{([a-z][a-z0-9_]*)\}/g)].every((m) => values[m[1]!] !== undefined)
    ? pattern.replace(/\{([a-z][a-z0-9_]*)\}/g, (_m, k: string) => values[k]!)
    : `${set.name} ${n}群`;
  const newest = groups[groups.length - 1]!;
  const { group } = await cloneGroup(ctx, newest.id, { name: named.slice(0, 100) });
  ctx.emit({ type: 'group_set.grown', workspaceId: ctx.workspaceId, groupId: group.id, data: { groupSetId: set.id, groupId: group.id, name: group.name, from: newest.id } });
}

async function activeInvite(ctx: Ctx, code: string) {
  const inv = await ctx.tdb.selectFrom('invites').selectAll().where('code', '=', code).where('revoked_at', 'is', null).executeTakeFirst();
  if (!inv) throw notFound('invite', code);
  return inv;
}

/** The group a newcomer lands in: the invite's group, or (full, or a set's invite) the set's first group with room. */
async function pickGroup(ctx: Ctx, inv: Database['invites']): Promise<GroupRow> {
  if (inv.target_type === 'group') {
    const g = await ctx.tdb.selectFrom('groups').selectAll().where('id', '=', inv.target_id).executeTakeFirst();
    if (!g) throw notFound('invite', inv.code);
    return placeIn(ctx, g);
  }
  return nextInSet(ctx, inv.target_id);
}

/** The group itself when it has room, else the next group of its set with room. */
async function placeIn(ctx: Ctx, g: GroupRow): Promise<GroupRow> {
  if (g.status === 'archived') throw conflict(`The group ${g.name} is closed to newcomers`, { groupId: g.id });
  if (await hasRoom(ctx, g)) return g;
  if (!g.group_set_id) throw conflict(`The group ${g.name} is full`, { groupId: g.id, reason: 'full' });
  return nextInSet(ctx, g.group_set_id);
}

async function nextInSet(ctx: Ctx, setId: string): Promise<GroupRow> {
  const next = await firstWithRoom(ctx, setId);
  if (!next) throw conflict('Every group of this group set is full; an operator needs to open a new group in the set', { groupSetId: setId, reason: 'full' });
  return next;
}

// ---- the public pages ----

/** Where the session's member already is among the invite's targets (so a second join changes nothing). */
async function heldMembership(ctx: Ctx, inv: Database['invites'], memberId: string | null) {
  if (!memberId) return undefined;
  let q = ctx.tdb.selectFrom('memberships').innerJoin('groups', 'groups.id', 'memberships.group_id').selectAll('memberships').select('groups.name as group_name')
    .where('memberships.member_id', '=', memberId).where('memberships.left_at', 'is', null);
  q = inv.target_type === 'group' ? q.where('memberships.group_id', '=', inv.target_id) : q.where('groups.group_set_id', '=', inv.target_id);
  return q.orderBy('memberships.joined_at').executeTakeFirst();
}

async function pendingOf(ctx: Ctx, groupId: string, session: MemberSession | null) {
  if (!session) return undefined;
  return ctx.tdb.selectFrom('join_requests').selectAll().where('group_id', '=', groupId).where('session_id', '=', session.id).where('status', '=', 'pending').executeTakeFirst();
}

export async function viewInvite(ctx: Ctx, code: string, session: MemberSession | null = null): Promise<JoinView> {
  const inv = await activeInvite(ctx, code);
  const held = await heldMembership(ctx, inv, session?.memberId ?? null);
  const g = held ? await ctx.tdb.selectFrom('groups').selectAll().where('id', '=', held.group_id).executeTakeFirstOrThrow() : await pickGroup(ctx, inv);
  const entry = (await effectiveRule(ctx, g, 'joining.entry')).settings;
  const ritual = await effectiveRule(ctx, g, 'joining.ritual');
  const set = g.group_set_id ? await ctx.tdb.selectFrom('group_sets').select(['id', 'name']).where('id', '=', g.group_set_id).executeTakeFirst() : undefined;
  const r = ritual.settings;
  return {
    code,
    group: { id: g.id, name: g.name },
    groupSet: set ?? null,
    mode: entry.mode,
    modeText: previewOf('joining.entry', entry),
    priceFen: entry.mode === 'paid' ? entry.priceFen ?? null : null,
    task: entry.mode === 'task' ? entry.task ?? null : null,
    questions: entry.mode === 'application' ? entry.questions : [],
    ritual: ritual.from === 'default' ? null : {
      rulesText: r.rulesText, dataUseNotice: r.dataUseNotice, nicknamePattern: r.nicknamePattern, nicknameExample: r.nicknameExample, consentRequired: r.consentRequired,
    },
    alreadyMember: !!held,
    pendingRequestId: (await pendingOf(ctx, g.id, session))?.id ?? null,
  };
}

async function referrerOf(ctx: Ctx, inv: Database['invites'], ref: string | undefined): Promise<string | null> {
  if (inv.referrer_member_id) return inv.referrer_member_id;
  if (!ref) return null;
  // A stale or unknown referral code never blocks a join; it only attributes nothing.
  const r = await ctx.tdb.selectFrom('invites').select('referrer_member_id').where('code', '=', ref).where('revoked_at', 'is', null).executeTakeFirst();
  return r?.referrer_member_id ?? null;
}

/**
 * Joins through an invite. The device's member session (opened here on a first join) makes the person one
 * member across groups: joining a group they are in changes nothing, and a second request waits as one.
 */
export async function submitJoin(
  ctx: Ctx, code: string, input: JoinSubmit, session: MemberSession | null,
): Promise<{ result: JoinResult; sessionToken: string | null }> {
  return ctx.transaction(async (tx) => {
    const inv = await activeInvite(tx, code);
    const memberId = session?.memberId ?? null;
    if (memberId && (await tx.tdb.selectFrom('blacklist').select('member_id').where('member_id', '=', memberId).executeTakeFirst())) {
      throw new ShequnError('auth.forbidden', 'You are on this community’s blacklist and cannot join its groups', { reason: 'blacklisted' });
    }
    const held = await heldMembership(tx, inv, memberId);
    if (held) {
      return {
        sessionToken: null,
        result: {
          status: 'joined', groupId: held.group_id, groupName: held.group_name, memberId, membershipId: held.id, number: held.number_display,
          welcome: null, requestId: null, nicknameNeeded: await nicknameNeeded(tx, held.group_id, held.nickname),
        },
      };
    }
    const g = await pickGroup(tx, inv);
    const waiting = await pendingOf(tx, g.id, session);
    if (waiting) return { sessionToken: null, result: pendingResult(g, waiting.id) };
    const entry = (await effectiveRule(tx, g, 'joining.entry')).settings;
    const ritual = await effectiveRule(tx, g, 'joining.ritual');
    const errors: { field: string; reason: string }[] = [];
    if (ritual.from !== 'default') {
      const r = ritual.settings;
      if (r.consentRequired && !input.consentAccepted) errors.push({ field: 'consentAccepted', reason: 'accept the data-use notice to join' });
      if (r.consentRequired && r.rulesText && !input.rulesAccepted) errors.push({ field: 'rulesAccepted', reason: 'accept the group rules to join' });
      // The nickname may come later (the ritual asks for it after the number); one given now must fit.
      const bad = r.nicknamePattern && input.nickname ? checkNickname(r.nicknamePattern, input.nickname) : null;
      if (bad) errors.push({ field: 'nickname', reason: nicknameReason(r, bad) });
    }
    if (entry.mode === 'code' && input.code !== entry.code) errors.push({ field: 'code', reason: input.code ? 'the invitation code is wrong' : 'the invitation code is required' });
    const answers = entry.mode === 'application'
      ? entry.questions.map((question, i) => ({ question, answer: input.answers?.[i] ?? '' }))
      : [];
    answers.forEach((a, i) => { if (!a.answer.trim()) errors.push({ field: `answers.${i}`, reason: `answer "${a.question}"` }); });
    if (errors.length) throw invalid(errors);

    let sessionToken: string | null = null;
    if (!session) {
      const opened = await openMemberSession(tx);
      session = opened.session;
      sessionToken = opened.token;
    }
    const referrer = await referrerOf(tx, inv, input.ref);
    const admission = referrer ? (await effectiveRule(tx, g, 'admission.invite')).settings : null;
    if (referrer && admission?.perMemberLimit) {
      const brought = await tx.tdb.selectFrom('memberships').select((eb) => eb.fn.countAll().as('n')).where('group_id', '=', g.id).where('invited_by', '=', referrer).executeTakeFirstOrThrow();
      if (Number(brought.n) >= admission.perMemberLimit) {
        throw conflict(`This member's invitations to ${g.name} are used up (${admission.perMemberLimit}); ask an operator for another invite`, { reason: 'invitations_used' });
      }
    }
    const applicant: Applicant = { name: input.name, phone: input.phone ?? null, answers, nickname: input.nickname ?? null, consentAccepted: input.consentAccepted };
    const now = tx.clock.now();
    const request = {
      id: tx.ids.next('jr'), group_id: g.id, member_id: null as string | null, applicant: JSON.stringify(applicant), mode: entry.mode,
      status: 'pending', reason: null, invite_id: inv.id, referrer_member_id: referrer, created_at: now, decided_at: null as number | null, decided_by: null,
      session_id: session.id,
    };
    // A member's invite may need an operator's approval (引入), whatever the entry mode.
    if ((entry.mode === 'open' || entry.mode === 'code') && !(referrer && admission?.approval)) {
      const joined = await admit(tx, g, applicant, referrer, ritual.from === 'default' ? null : ritual.settings, { inviteId: inv.id, mode: entry.mode, requestId: request.id, memberId, sessionId: session.id });
      await tx.tdb.insertInto('join_requests', { ...request, member_id: joined.memberId, status: 'completed', decided_at: now }).execute();
      await growSet(tx, g);
      return {
        sessionToken,
        result: { status: 'joined', groupId: g.id, groupName: g.name, ...joined, requestId: request.id, nicknameNeeded: await nicknameNeeded(tx, g.id, applicant.nickname) },
      };
    }
    await tx.tdb.insertInto('join_requests', request).execute();
    await recordAudit(tx, 'join_request.create', { type: 'join_request', id: request.id }, { groupId: g.id, mode: entry.mode });
    tx.emit({ type: 'join_request.created', workspaceId: tx.workspaceId, groupId: g.id, data: { id: request.id, groupId: g.id, mode: entry.mode, name: input.name } });
    return { sessionToken, result: pendingResult(g, request.id) };
  });
}

const pendingResult = (g: GroupRow, requestId: string): JoinResult => ({
  status: 'pending', groupId: g.id, groupName: g.name, memberId: null, membershipId: null, number: null, welcome: null, requestId, nicknameNeeded: null,
});

function nicknameReason(r: RitualSettings, bad: { part: string; reason: string }): string {
  return `${bad.reason} (part: ${bad.part}; form ${r.nicknamePattern}${r.nicknameExample ? `, e.g. ${r.nicknameExample}` : ''})`;
}

/** The group's nickname format when `nickname` does not fit it yet, else null. */
export async function nicknameNeeded(ctx: Ctx, groupId: string, nickname: string | null): Promise<{ pattern: string; example: string } | null> {
  const g = await ctx.tdb.selectFrom('groups').selectAll().where('id', '=', groupId).executeTakeFirstOrThrow();
  const ritual = await effectiveRule(ctx, g, 'joining.ritual');
  const { nicknamePattern: pattern, nicknameExample: example } = ritual.settings;
  if (ritual.from === 'default' || !pattern) return null;
  return nickname && !checkNickname(pattern, nickname) ? null : { pattern, example };
}

/** Checks a nickname against the group's format; throws a validation error naming the failing part. Returns the ritual it fits. */
export async function checkGroupNickname(ctx: Ctx, groupId: string, nickname: string): Promise<RitualSettings | null> {
  const g = await ctx.tdb.selectFrom('groups').selectAll().where('id', '=', groupId).executeTakeFirstOrThrow();
  const ritual = await effectiveRule(ctx, g, 'joining.ritual');
  if (ritual.from === 'default' || !ritual.settings.nicknamePattern) return null;
  const bad = checkNickname(ritual.settings.nicknamePattern, nickname);
  if (bad) throw invalid([{ field: 'nickname', reason: nicknameReason(ritual.settings, bad) }]);
  return ritual.settings;
}

/** The ritual's reward: points and the 入群仪式 badge, once per membership. */
export async function ritualDone(ctx: Ctx, ritual: RitualSettings, memberId: string, membershipId: string): Promise<void> {
  if (ritual.rewardPoints > 0) {
    await awardPoints(ctx, { memberId, points: ritual.rewardPoints, reason: '完成入群仪式', ruleId: null, activityId: null, dedupeKey: `ritual:${membershipId}` });
  }
  await awardBadge(ctx, { memberId, badge: '入群仪式', reason: '按群的格式设置了群昵称', ruleId: null });
}

/** Makes the newcomer a member of the group, with the ritual's number, welcome message and consent. */
async function admit(
  ctx: Ctx, g: GroupRow, a: Applicant, referrerId: string | null, ritual: RitualSettings | null,
  meta: { inviteId: string | null; mode: EntryMode; requestId: string; memberId: string | null; sessionId: string | null },
): Promise<{ memberId: string; membershipId: string; number: string | null; welcome: string | null }> {
  const referrer = referrerId ? await ctx.tdb.selectFrom('members').select(['id', 'display_name']).where('id', '=', referrerId).executeTakeFirst() : undefined;
  const joining = { groupId: g.id, role: 'participant' as const, nickname: a.nickname, invitedBy: referrer?.id ?? null };
  let member: { id: string };
  let ms: Membership;
  if (meta.memberId) {
    // A member of another group (the same device): one more membership, not a second person.
    member = { id: meta.memberId };
    ms = await joinGroup(ctx, meta.memberId, joining);
  } else {
    const created = await createMember(ctx, {
      displayName: a.name,
      phone: a.phone,
      sourceChannel: 'invite',
      referrerId: referrer?.id ?? null,
      consent: { dataUse: a.consentAccepted, marketing: false, directory: false },
      memberships: [joining],
    });
    member = created;
    ms = created.memberships.find((m) => m.groupId === g.id)!;
    if (meta.sessionId) await bindMemberSession(ctx, meta.sessionId, created.id);
  }
  const joinedAt = Date.parse(ms.joinedAt);
  const welcome = ritual
    ? renderWelcome(ritual.welcomeTemplate, {
      nickname: a.nickname ?? a.name, number: ms.numberDisplay ?? '', group: g.name, rules: ritual.rulesText, inviter: referrer?.display_name ?? '',
    })
    : null;
  await writeActivities(ctx, [
    {
      kind: 'join', memberId: member.id, groupId: g.id, occurredAt: ms.joinedAt, contentSource: null, source: 'builtin', sourceId: `join:${ms.id}:${joinedAt}`,
      payload: { inviteId: meta.inviteId, referrerId: referrer?.id ?? null, mode: meta.mode, joinRequestId: meta.requestId, number: ms.numberDisplay },
    },
    ...(welcome
      ? [{
        kind: 'message', memberId: null, groupId: g.id, occurredAt: ms.joinedAt, contentSource: 'OGC' as const, source: 'builtin', sourceId: `welcome:${ms.id}:${joinedAt}`,
        payload: { text: welcome, from: 'system', welcomes: member.id },
      }]
      : []),
    ...(ritual?.iceBreaker
      ? [{
        kind: 'message', memberId: null, groupId: g.id, occurredAt: ms.joinedAt, contentSource: 'OGC' as const, source: 'builtin', sourceId: `icebreaker:${ms.id}:${joinedAt}`,
        payload: { text: `@${a.nickname ?? a.name} ${ritual.iceBreaker}`, from: 'system', mentions: [member.id] },
      }]
      : []),
  ], (i) => `activities.${i}.`);
  // A nickname that fits at once completes the ritual.
  if (ritual?.nicknamePattern && a.nickname && !checkNickname(ritual.nicknamePattern, a.nickname)) await ritualDone(ctx, ritual, member.id, ms.id);
  ctx.emit({
    type: 'member.joined', workspaceId: ctx.workspaceId, groupId: g.id,
    data: { memberId: member.id, membershipId: ms.id, groupId: g.id, number: ms.numberDisplay, referrerId: referrer?.id ?? null },
  });
  return { memberId: member.id, membershipId: ms.id, number: ms.numberDisplay, welcome };
}

// ---- operators' decisions ----

export async function listJoinRequests(
  ctx: Ctx, groupId: string, q: z.infer<typeof JoinRequestListQuerySchema>,
): Promise<{ items: JoinRequest[]; nextCursor: string | null }> {
  ctx.authorize('member.read');
  await visibleGroupRow(ctx, groupId);
  let query = ctx.tdb.selectFrom('join_requests').selectAll().where('group_id', '=', groupId).orderBy('created_at').orderBy('id').limit(q.limit + 1);
  if (q.status) query = query.where('status', '=', q.status);
  const c = decodeCursor(q.cursor);
  if (c) query = query.where((eb) => eb.or([eb('created_at', '>', c.key), eb.and([eb('created_at', '=', c.key), eb('id', '>', c.id)])]));
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { items: page.map(toJoinRequest), nextCursor: rows.length > q.limit && last ? encodeCursor(Number(last.created_at), last.id) : null };
}

async function pendingRequest(ctx: Ctx, id: string) {
  const r = await ctx.tdb.selectFrom('join_requests').selectAll().where('id', '=', id).executeTakeFirst();
  const v = await ctx.visibility();
  if (!r || (!v.all && !v.groupIds.has(r.group_id))) throw notFound('join request', id);
  if (r.status !== 'pending') throw conflict(`The join request is already ${r.status}`, { status: r.status });
  return r;
}

export async function approveJoinRequest(ctx: Ctx, id: string): Promise<JoinRequest> {
  ctx.authorize('member.write');
  return ctx.transaction(async (tx) => {
    const r = await pendingRequest(tx, id);
    // The group may have filled up while the request waited: a rotating set places the newcomer in the next one.
    const g = await placeIn(tx, await visibleGroupRow(tx, r.group_id));
    const ritual = await effectiveRule(tx, g, 'joining.ritual');
    const session = r.session_id ? await tx.tdb.selectFrom('member_sessions').select('member_id').where('id', '=', r.session_id).executeTakeFirst() : undefined;
    const joined = await admit(tx, g, JSON.parse(r.applicant) as Applicant, r.referrer_member_id, ritual.from === 'default' ? null : ritual.settings, {
      inviteId: r.invite_id, mode: r.mode as EntryMode, requestId: r.id, memberId: session?.member_id ?? null, sessionId: r.session_id,
    });
    await growSet(tx, g);
    const patch = { status: 'approved', group_id: g.id, member_id: joined.memberId, decided_at: tx.clock.now(), decided_by: tx.actor.id ?? tx.actor.name };
    await tx.tdb.updateTable('join_requests').set(patch).where('id', '=', id).execute();
    await recordAudit(tx, 'join_request.approve', { type: 'join_request', id }, { groupId: g.id, memberId: joined.memberId });
    tx.emit({ type: 'join_request.decided', workspaceId: tx.workspaceId, groupId: r.group_id, data: { id, groupId: r.group_id, status: 'approved', placedIn: g.id } });
    return toJoinRequest({ ...r, ...patch });
  });
}

export async function rejectJoinRequest(ctx: Ctx, id: string, reason: string): Promise<JoinRequest> {
  ctx.authorize('member.write');
  return ctx.transaction(async (tx) => {
    const r = await pendingRequest(tx, id);
    const patch = { status: 'rejected', reason, decided_at: tx.clock.now(), decided_by: tx.actor.id ?? tx.actor.name };
    await tx.tdb.updateTable('join_requests').set(patch).where('id', '=', id).execute();
    await recordAudit(tx, 'join_request.reject', { type: 'join_request', id }, { groupId: r.group_id });
    tx.emit({ type: 'join_request.decided', workspaceId: tx.workspaceId, groupId: r.group_id, data: { id, groupId: r.group_id, status: 'rejected' } });
    return toJoinRequest({ ...r, ...patch });
  });
}

