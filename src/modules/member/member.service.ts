import type { z } from 'zod';
import type { Ctx } from '../../kernel/context.ts';
import type { DomainEvent } from '../../kernel/events.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { decodeCursor, encodeCursor } from '../../kernel/cursor.ts';
import { conflict, invalid, notFound } from '../../kernel/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { recountMembers } from '../analytics/index.ts';
import { NumberingSchema, visibleGroupRow } from '../group/index.ts';
import { memberVisible } from '../operator/index.ts';
import { assignNumber } from './member.numbering.ts';
import { memberTerms, normalizePhone, phoneLast4 } from './member.terms.ts';
import {
  ConsentSchema, type IdentityInputSchema, type Member, type MemberCreateSchema, type MemberDetail, type MemberUpdateSchema,
  type Membership, type MembershipInputSchema, type MembershipUpdateSchema,
} from './member.schema.ts';
import { iso } from '../../kernel/clock.ts';

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export const toMember = (r: Database['members']): Member => ({
  id: r.id,
  displayName: r.display_name,
  gender: r.gender as Member['gender'],
  birthYear: r.birth_year === null ? null : Number(r.birth_year),
  city: r.city,
  occupation: r.occupation,
  skills: JSON.parse(r.skills),
  phone: r.phone,
  email: r.email,
  tags: JSON.parse(r.tags),
  circle: r.circle as Member['circle'],
  sourceChannel: r.source_channel,
  referrerId: r.referrer_id,
  stage: r.stage as Member['stage'],
  stageHistory: JSON.parse(r.stage_history),
  consent: ConsentSchema.parse(JSON.parse(r.consent)),
  joinedAt: iso(r.joined_at),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

export const toMembership = (r: Database['memberships']): Membership => ({
  id: r.id,
  groupId: r.group_id,
  memberId: r.member_id,
  number: r.number === null ? null : Number(r.number),
  numberDisplay: r.number_display,
  role: r.role as Membership['role'],
  nickname: r.nickname,
  joinedAt: iso(r.joined_at),
  leftAt: isoOrNull(r.left_at),
  invitedBy: r.invited_by,
  mutedUntil: isoOrNull(r.muted_until),
});

const uniq = (xs: string[] | undefined) => [...new Set(xs ?? [])];

/** Throws 404 unless the member exists and the actor may see them (a scoped actor: only members of its groups). */
export async function visibleMemberRow(ctx: Ctx, id: string) {
  const r = await ctx.tdb.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('member', id);
  const v = await ctx.visibility();
  if (!v.all) {
    const ids = [...v.groupIds];
    const seen = ids.length
      ? await ctx.tdb.selectFrom('memberships').select('id').where('member_id', '=', id).where('group_id', 'in', ids).limit(1).executeTakeFirst()
      : undefined;
    if (!seen) throw notFound('member', id);
  }
  return r;
}

/** Recomputes the member's search postings from the member, its handles and its current groups. */
export async function rewriteTerms(ctx: Ctx, memberId: string): Promise<void> {
  const m = await ctx.tdb.selectFrom('members').select(['display_name', 'phone', 'tags', 'joined_at']).where('id', '=', memberId).executeTakeFirst();
  await ctx.tdb.deleteFrom('member_terms').where('member_id', '=', memberId).execute();
  if (!m) return;
  const handles = await ctx.tdb.selectFrom('identities').select('handle').where('member_id', '=', memberId).execute();
  const groups = await ctx.tdb.selectFrom('memberships').select('group_id').where('member_id', '=', memberId).where('left_at', 'is', null).execute();
  const terms = memberTerms({
    displayName: m.display_name,
    phone: m.phone,
    tags: JSON.parse(m.tags),
    handles: handles.flatMap((h) => (h.handle ? [h.handle] : [])),
    groupIds: groups.map((g) => g.group_id),
  });
  if (terms.length) {
    await ctx.tdb.insertInto('member_terms', terms.map((t) => ({ term: t, joined_at: m.joined_at, member_id: memberId }))).execute();
  }
}

async function checkReferrer(ctx: Ctx, referrerId: string | null | undefined, selfId?: string) {
  if (!referrerId) return;
  if (referrerId === selfId) throw invalid([{ field: 'referrerId', reason: 'a member cannot refer themselves' }]);
  if (!(await memberVisible(ctx.tdb, await ctx.visibility(), referrerId))) throw invalid([{ field: 'referrerId', reason: `member ${referrerId} does not exist` }]);
}

async function insertIdentity(ctx: Ctx, memberId: string, input: z.infer<typeof IdentityInputSchema>, field: string) {
  const dup = await ctx.tdb
    .selectFrom('identities')
    .select(['id', 'member_id'])
    .where('platform', '=', input.platform)
    .where('external_id', '=', input.externalId)
    .executeTakeFirst();
  if (dup) {
    throw conflict(`The ${input.platform} account ${input.externalId} already belongs to member ${dup.member_id}`, {
      field, memberId: dup.member_id, identityId: dup.id,
    });
  }
  const row = { id: ctx.ids.next('idn'), member_id: memberId, platform: input.platform, external_id: input.externalId, handle: input.handle ?? null, created_at: ctx.clock.now() };
  await ctx.tdb.insertInto('identities', row).execute();
  return row;
}

export async function createMember(ctx: Ctx, input: z.infer<typeof MemberCreateSchema>): Promise<MemberDetail> {
  ctx.authorize('member.write');
  if (ctx.actor.scope && !(input.memberships ?? []).length) {
    throw invalid([{ field: 'memberships', reason: 'an operator with a scope must add the member to one of its groups' }]);
  }
  const id = await ctx.transaction(async (tx) => {
    await checkReferrer(tx, input.referrerId);
    const now = tx.clock.now();
    const joinedAt = input.joinedAt ? Date.parse(input.joinedAt) : now;
    const stage = input.stage ?? 'acquired';
    const phone = normalizePhone(input.phone);
    const row = {
      id: tx.ids.next('mem'),
      display_name: input.displayName,
      gender: input.gender ?? null,
      birth_year: input.birthYear ?? null,
      city: input.city ?? null,
      occupation: input.occupation ?? null,
      skills: JSON.stringify(uniq(input.skills)),
      phone,
      phone_last4: phoneLast4(phone),
      email: input.email ?? null,
      tags: JSON.stringify(uniq(input.tags)),
      circle: input.circle ?? null,
      source_channel: input.sourceChannel ?? null,
      referrer_id: input.referrerId ?? null,
      stage,
      stage_history: JSON.stringify([{ stage, at: iso(joinedAt) }]),
      consent: JSON.stringify(ConsentSchema.parse(input.consent ?? {})),
      joined_at: joinedAt,
      created_at: now,
      updated_at: now,
    };
    await tx.tdb.insertInto('members', row).execute();
    for (const [i, idn] of (input.identities ?? []).entries()) await insertIdentity(tx, row.id, idn, `identities.${i}`);
    for (const [i, ms] of (input.memberships ?? []).entries()) await joinGroupTx(tx, row.id, ms, `memberships.${i}`);
    await rewriteTerms(tx, row.id);
    await recordAudit(tx, 'member.create', { type: 'member', id: row.id });
    return row.id;
  });
  return getMember(ctx, id);
}

export async function getMember(ctx: Ctx, id: string): Promise<MemberDetail> {
  ctx.authorize('member.read');
  const r = await visibleMemberRow(ctx, id);
  const identities = await ctx.tdb.selectFrom('identities').selectAll().where('member_id', '=', id).orderBy('created_at').orderBy('id').execute();
  const v = await ctx.visibility();
  let mq = ctx.tdb.selectFrom('memberships').selectAll().where('member_id', '=', id).orderBy('joined_at').orderBy('id');
  if (!v.all) mq = mq.where('group_id', 'in', [...v.groupIds, '']);
  const memberships = await mq.execute();
  return {
    ...toMember(r),
    identities: identities.map((i) => ({ id: i.id, platform: i.platform as never, externalId: i.external_id, handle: i.handle, createdAt: iso(i.created_at) })),
    memberships: memberships.map(toMembership),
  };
}

export async function updateMember(ctx: Ctx, id: string, input: z.infer<typeof MemberUpdateSchema>): Promise<MemberDetail> {
  ctx.authorize('member.write');
  await ctx.transaction(async (tx) => {
    const current = await visibleMemberRow(tx, id);
    await checkReferrer(tx, input.referrerId, id);
    const now = tx.clock.now();
    const patch: Partial<Database['members']> = { updated_at: now };
    if (input.displayName !== undefined) patch.display_name = input.displayName;
    if (input.gender !== undefined) patch.gender = input.gender;
    if (input.birthYear !== undefined) patch.birth_year = input.birthYear;
    if (input.city !== undefined) patch.city = input.city;
    if (input.occupation !== undefined) patch.occupation = input.occupation;
    if (input.skills !== undefined) patch.skills = JSON.stringify(uniq(input.skills));
    if (input.phone !== undefined) {
      patch.phone = normalizePhone(input.phone);
      patch.phone_last4 = phoneLast4(patch.phone);
    }
    if (input.email !== undefined) patch.email = input.email;
    if (input.tags !== undefined) patch.tags = JSON.stringify(uniq(input.tags));
    if (input.circle !== undefined) patch.circle = input.circle;
    if (input.sourceChannel !== undefined) patch.source_channel = input.sourceChannel;
    if (input.referrerId !== undefined) patch.referrer_id = input.referrerId;
    if (input.consent !== undefined) patch.consent = JSON.stringify(input.consent);
    if (input.joinedAt !== undefined) patch.joined_at = Date.parse(input.joinedAt);
    if (input.stage !== undefined && input.stage !== current.stage) {
      patch.stage = input.stage;
      patch.stage_history = JSON.stringify([...JSON.parse(current.stage_history), { stage: input.stage, at: iso(now) }]);
    }
    await tx.tdb.updateTable('members').set(patch).where('id', '=', id).execute();
    if (patch.display_name !== undefined || patch.phone !== undefined || patch.tags !== undefined || patch.joined_at !== undefined) {
      await rewriteTerms(tx, id);
    }
    const { phone: _p, email: _e, ...logged } = input;
    await recordAudit(tx, 'member.update', { type: 'member', id }, { fields: Object.keys(input), ...(input.stage ? { stage: logged.stage } : {}) });
  });
  return getMember(ctx, id);
}

export async function deleteMember(ctx: Ctx, id: string): Promise<void> {
  ctx.authorize('member.delete');
  await ctx.transaction(async (tx) => {
    await visibleMemberRow(tx, id);
    await tx.tdb.deleteFrom('member_terms').where('member_id', '=', id).execute();
    await tx.tdb.deleteFrom('identities').where('member_id', '=', id).execute();
    await tx.tdb.deleteFrom('memberships').where('member_id', '=', id).execute();
    // Numbers stay reserved (never reissued); activities stay, detached from the person.
    await tx.tdb.updateTable('activities').set({ member_id: null }).where('member_id', '=', id).execute();
    await recountMembers(tx, [id]);
    await tx.tdb.updateTable('members').set({ referrer_id: null }).where('referrer_id', '=', id).execute();
    await tx.tdb.deleteFrom('members').where('id', '=', id).execute();
    await recordAudit(tx, 'member.delete', { type: 'member', id });
  });
}

export async function addIdentity(ctx: Ctx, memberId: string, input: z.infer<typeof IdentityInputSchema>): Promise<MemberDetail> {
  ctx.authorize('member.write');
  await ctx.transaction(async (tx) => {
    await visibleMemberRow(tx, memberId);
    const row = await insertIdentity(tx, memberId, input, 'externalId');
    await rewriteTerms(tx, memberId);
    await recordAudit(tx, 'identity.create', { type: 'identity', id: row.id }, { memberId, platform: input.platform });
  });
  return getMember(ctx, memberId);
}

export async function removeIdentity(ctx: Ctx, identityId: string): Promise<void> {
  ctx.authorize('member.write');
  await ctx.transaction(async (tx) => {
    const idn = await tx.tdb.selectFrom('identities').select(['id', 'member_id']).where('id', '=', identityId).executeTakeFirst();
    if (!idn) throw notFound('identity', identityId);
    try {
      await visibleMemberRow(tx, idn.member_id);
    } catch {
      throw notFound('identity', identityId);
    }
    await tx.tdb.deleteFrom('identities').where('id', '=', identityId).execute();
    await rewriteTerms(tx, idn.member_id);
    await recordAudit(tx, 'identity.delete', { type: 'identity', id: identityId }, { memberId: idn.member_id });
  });
}

async function joinGroupTx(ctx: Ctx, memberId: string, input: z.infer<typeof MembershipInputSchema>, field: string): Promise<Membership> {
  let group;
  try {
    group = await visibleGroupRow(ctx, input.groupId);
  } catch {
    throw invalid([{ field: `${field}.groupId`.replace(/^\./, ''), reason: `group ${input.groupId} does not exist` }]);
  }
  if (input.invitedBy) {
    if (!(await memberVisible(ctx.tdb, await ctx.visibility(), input.invitedBy))) throw invalid([{ field: `${field}.invitedBy`.replace(/^\./, ''), reason: `member ${input.invitedBy} does not exist` }]);
  }
  const joinedAt = input.joinedAt ? Date.parse(input.joinedAt) : ctx.clock.now();
  // Take the group's row lock before counting seats, so that concurrent joins on PostgreSQL queue up
  // instead of each counting the same free seat (SQLite runs one write transaction at a time anyway).
  await ctx.tdb.updateTable('groups').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', '=', group.id).execute();
  const existing = await ctx.tdb.selectFrom('memberships').selectAll().where('group_id', '=', group.id).where('member_id', '=', memberId).executeTakeFirst();
  if (existing && existing.left_at === null) {
    throw conflict(`Member ${memberId} is already in group ${group.id}`, { field: `${field}.groupId`.replace(/^\./, ''), membershipId: existing.id });
  }
  const seats = await ctx.tdb
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('group_id', '=', group.id)
    .where('left_at', 'is', null)
    .executeTakeFirstOrThrow();
  if (Number(seats.n) >= Number(group.capacity)) {
    throw conflict(`Group ${group.name} is full (${group.capacity} seats)`, { field: `${field}.groupId`.replace(/^\./, ''), capacity: group.capacity });
  }
  const numbering = NumberingSchema.parse(JSON.parse(group.numbering));
  const n = await assignNumber(ctx, memberId, numbering, group);
  let row: Database['memberships'];
  if (existing) {
    row = { ...existing, left_at: null, joined_at: joinedAt, role: input.role, nickname: input.nickname ?? existing.nickname, invited_by: input.invitedBy ?? null, number: n.number, number_display: n.display, number_scope: n.scope };
    await ctx.tdb
      .updateTable('memberships')
      .set({ left_at: null, joined_at: joinedAt, role: row.role, nickname: row.nickname, invited_by: row.invited_by, number: n.number, number_display: n.display, number_scope: n.scope })
      .where('id', '=', existing.id)
      .execute();
  } else {
    row = {
      id: ctx.ids.next('ms'),
      workspace_id: ctx.workspaceId,
      group_id: group.id,
      member_id: memberId,
      number: n.number,
      number_display: n.display,
      number_scope: n.scope,
      role: input.role,
      nickname: input.nickname ?? null,
      joined_at: joinedAt,
      left_at: null,
      invited_by: input.invitedBy ?? null,
      muted_until: null,
      in_directory: 0,
      expert: 0,
    };
    const { workspace_id: _w, ...values } = row;
    await ctx.tdb.insertInto('memberships', values).execute();
  }
  return toMembership(row);
}

export async function joinGroup(ctx: Ctx, memberId: string, input: z.infer<typeof MembershipInputSchema>): Promise<Membership> {
  ctx.authorize('member.write');
  return ctx.transaction(async (tx) => {
    await visibleMemberRow(tx, memberId);
    const ms = await joinGroupTx(tx, memberId, input, '');
    await rewriteTerms(tx, memberId);
    await recordAudit(tx, 'membership.create', { type: 'membership', id: ms.id }, { memberId, groupId: input.groupId, number: ms.numberDisplay });
    return ms;
  });
}

async function visibleMembershipRow(ctx: Ctx, id: string) {
  const r = await ctx.tdb.selectFrom('memberships').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('membership', id);
  const v = await ctx.visibility();
  if (!v.all && !v.groupIds.has(r.group_id)) throw notFound('membership', id);
  return r;
}

/** How the member shows in the group: the group nickname, else their name (null when not a member). */
export async function nameInGroup(ctx: Ctx, groupId: string, memberId: string): Promise<string | null> {
  const r = await ctx.tdb.selectFrom('memberships').innerJoin('members', 'members.id', 'memberships.member_id').select(['memberships.nickname', 'members.display_name'])
    .where('memberships.group_id', '=', groupId).where('memberships.member_id', '=', memberId).executeTakeFirst();
  return r ? r.nickname || r.display_name : null;
}

/**
 * `membership.updated`: a member's standing in a group changed (nickname, role, mute, leaving). The group's
 * members hear it too (the member app refreshes its roster, or its own mute).
 */
export function membershipUpdated(workspaceId: string, groupId: string, memberId: string, fields: string[]): DomainEvent {
  const data = { groupId, memberId, fields };
  return { type: 'membership.updated', workspaceId, groupId, data, chat: data };
}

export async function updateMembership(ctx: Ctx, id: string, input: z.infer<typeof MembershipUpdateSchema>): Promise<Membership> {
  ctx.authorize('member.write');
  return ctx.transaction(async (tx) => {
    const current = await visibleMembershipRow(tx, id);
    const patch: Partial<Database['memberships']> = {};
    if (input.role !== undefined) patch.role = input.role;
    if (input.nickname !== undefined) patch.nickname = input.nickname;
    if (input.mutedUntil !== undefined) patch.muted_until = input.mutedUntil === null ? null : Date.parse(input.mutedUntil);
    if (input.leftAt !== undefined) {
      if (input.leftAt === null && current.left_at !== null) throw invalid([{ field: 'leftAt', reason: 'to come back, join the group again (POST /members/{id}/memberships)' }]);
      patch.left_at = input.leftAt === null ? null : Date.parse(input.leftAt);
      if (patch.left_at !== null && patch.left_at < Number(current.joined_at)) throw invalid([{ field: 'leftAt', reason: 'leftAt must not be before joinedAt' }]);
    }
    if (Object.keys(patch).length) await tx.tdb.updateTable('memberships').set(patch).where('id', '=', id).execute();
    if (input.leftAt !== undefined) await rewriteTerms(tx, current.member_id);
    if (Object.keys(patch).length) tx.emit(membershipUpdated(tx.workspaceId, current.group_id, current.member_id, Object.keys(input)));
    await recordAudit(tx, 'membership.update', { type: 'membership', id }, { fields: Object.keys(input) });
    return toMembership({ ...current, ...patch });
  });
}

export async function listGroupMembers(
  ctx: Ctx,
  groupId: string,
  q: { limit: number; cursor?: string | undefined; includeLeft?: boolean | undefined },
): Promise<{ items: (Membership & { displayName: string })[]; nextCursor: string | null }> {
  ctx.authorize('member.read');
  await visibleGroupRow(ctx, groupId);
  let query = ctx.tdb
    .selectFrom('memberships')
    .innerJoin('members', 'members.id', 'memberships.member_id')
    .selectAll('memberships')
    .select('members.display_name')
    .where('memberships.group_id', '=', groupId)
    .orderBy('memberships.joined_at')
    .orderBy('memberships.id')
    .limit(q.limit + 1);
  if (!q.includeLeft) query = query.where('memberships.left_at', 'is', null);
  const c = decodeCursor(q.cursor);
  if (c) query = query.where((eb) => eb.or([eb('memberships.joined_at', '>', c.key), eb.and([eb('memberships.joined_at', '=', c.key), eb('memberships.id', '>', c.id)])]));
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ display_name, ...r }) => ({ ...toMembership(r as Database['memberships']), displayName: display_name })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(Number(last.joined_at), last.id) : null,
  };
}

