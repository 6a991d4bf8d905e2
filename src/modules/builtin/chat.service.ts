// The built-in community's chat as its members use it: their groups, the messages, the roster and the
// directory, nicknames, images, reports (举报) and questions. A member sees and posts only in groups they
// are in now; every other group answers 404, as if it did not exist. Operators' side (posting as the team,
// the announcement, deciding reports) is at the end.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Actor, Ctx } from '../../kernel/context.ts';
import { decodeCursor, encodeCursor } from '../../kernel/cursor.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { ShequnError, invalid, notFound } from '../../kernel/errors.ts';
import type { FileStore } from '../../kernel/files.ts';
import { iso } from '../../kernel/clock.ts';
import { CHAT_KINDS, chatItem, toActivity, writeActivities, type Activity, type ChatItem } from '../activity/index.ts';
import { recordAudit } from '../audit/index.ts';
import { membershipUpdated } from '../member/index.ts';
import { awardPoints } from '../engagement/index.ts';
import { visibleGroupRow } from '../group/index.ts';
import { rewriteTerms } from '../member/index.ts';
import { checkGroupNickname, nicknameNeeded, ritualDone } from '../joining/joining.service.ts';
import { applyLadder, effectiveRule, muteStateAt, sharingLifts } from '../rules/index.ts';
import type {
  ChatGroup, ChatPageQuerySchema, ChatPost, DirectoryEntrySchema, Me, ProfileUpdateSchema, Question, Report, ReportCreateSchema, ReportDecisionSchema,
  RosterEntrySchema, TeamPostSchema, Upload,
} from './builtin.schema.ts';
import { IMAGE_MAX_BYTES, cleanFileName, kindOfUpload, sniffFile, sniffImage, type FileKind } from './image.ts';
import { qrCodesIn } from './qr.ts';

/** Who acts for a member in the services: the member app, with no operator scope. The member is passed beside it. */
export const MEMBER_APP: Actor = { kind: 'system', id: null, name: '成员端 member app', role: 'operator', scope: null };

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
const json = <T>(s: string, fallback: T): T => {
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
};

async function activeMembership(ctx: Ctx, me: string, groupId: string) {
  const r = await ctx.tdb.selectFrom('memberships').innerJoin('groups', 'groups.id', 'memberships.group_id').selectAll('memberships')
    .select(['groups.name as group_name', 'groups.announcement', 'groups.announcement_at'])
    .where('memberships.member_id', '=', me).where('memberships.group_id', '=', groupId).where('memberships.left_at', 'is', null).executeTakeFirst();
  if (!r) throw notFound('group', groupId);
  return r;
}

type MembershipRow = Awaited<ReturnType<typeof activeMembership>>;

async function meGroup(ctx: Ctx, m: Database['memberships'] & { group_name: string }) {
  return {
    groupId: m.group_id, name: m.group_name, membershipId: m.id, number: m.number_display, nickname: m.nickname, role: m.role as Me['groups'][number]['role'],
    joinedAt: iso(m.joined_at), nicknameNeeded: await nicknameNeeded(ctx, m.group_id, m.nickname),
  };
}

// ---- the member's own page ----

export async function memberHome(ctx: Ctx, me: string): Promise<Omit<Me, 'csrfToken'>> {
  const m = await ctx.tdb.selectFrom('members').selectAll().where('id', '=', me).executeTakeFirst();
  if (!m) throw notFound('member', me);
  const rows = await ctx.tdb.selectFrom('memberships').innerJoin('groups', 'groups.id', 'memberships.group_id').selectAll('memberships').select('groups.name as group_name')
    .where('memberships.member_id', '=', me).where('memberships.left_at', 'is', null).orderBy('memberships.joined_at').execute();
  const groups = [];
  for (const r of rows) groups.push(await meGroup(ctx, r));
  return {
    member: { id: m.id, displayName: m.display_name, city: m.city, occupation: m.occupation, skills: json<string[]>(m.skills, []) },
    groups,
  };
}

export async function updateProfile(ctx: Ctx, me: string, input: z.infer<typeof ProfileUpdateSchema>): Promise<Omit<Me, 'csrfToken'>> {
  const patch: Partial<Database['members']> = {};
  if (input.displayName !== undefined) patch.display_name = input.displayName;
  if (input.city !== undefined) patch.city = input.city || null;
  if (input.occupation !== undefined) patch.occupation = input.occupation || null;
  if (input.skills !== undefined) patch.skills = JSON.stringify([...new Set(input.skills)]);
  if (Object.keys(patch).length) {
    await ctx.transaction(async (tx) => {
      await tx.tdb.updateTable('members').set({ ...patch, updated_at: tx.clock.now() }).where('id', '=', me).execute();
      // The name is searchable: the member's postings follow it.
      if (patch.display_name !== undefined) await rewriteTerms(tx, me);
    });
  }
  return memberHome(ctx, me);
}

// ---- a group's chat ----

async function muteOf(ctx: Ctx, m: MembershipRow): Promise<ChatGroup['mute']> {
  const now = ctx.clock.now();
  if (m.muted_until !== null && Number(m.muted_until) > now) return { muted: true, reason: '你已被管理者禁言', until: iso(Number(m.muted_until)) };
  const g = await ctx.tdb.selectFrom('groups').selectAll().where('id', '=', m.group_id).executeTakeFirstOrThrow();
  const rule = await effectiveRule(ctx, g, 'communication.mute_schedule');
  if (rule.settings.exemptRoles.includes(m.role as never)) return { muted: false, reason: null, until: null };
  // A sharing session lifts the group's mute while it runs (a member's own mute stays).
  if (await sharingLifts(ctx, g, now)) return { muted: false, reason: null, until: null };
  const s = muteStateAt(rule.settings, now);
  return { muted: s.muted, reason: s.reason, until: s.until === null ? null : iso(s.until) };
}

export async function chatGroup(ctx: Ctx, me: string, groupId: string): Promise<ChatGroup> {
  const m = await activeMembership(ctx, me, groupId);
  const g = await ctx.tdb.selectFrom('groups').selectAll().where('id', '=', groupId).executeTakeFirstOrThrow();
  const ritual = await effectiveRule(ctx, g, 'joining.ritual');
  const count = await ctx.tdb.selectFrom('memberships').select((eb) => eb.fn.countAll<number>().as('n')).where('group_id', '=', groupId).where('left_at', 'is', null).executeTakeFirstOrThrow();
  const newest = await ctx.tdb.selectFrom('activities').select(['id', 'occurred_at']).where('group_id', '=', groupId).where('kind', 'in', CHAT_KINDS)
    .orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return {
    id: g.id,
    name: g.name,
    platform: g.platform as ChatGroup['platform'],
    announcement: g.announcement ? { text: g.announcement, at: iso(Number(g.announcement_at)) } : null,
    rulesText: ritual.settings.rulesText,
    memberCount: Number(count.n),
    me: { ...(await meGroup(ctx, m)), inDirectory: m.in_directory === 1, expert: m.expert === 1, mutedUntil: isoOrNull(m.muted_until === null ? null : Number(m.muted_until)) },
    mute: await muteOf(ctx, m),
    cursor: newest ? encodeCursor(Number(newest.occurred_at), newest.id) : null,
  };
}

/** A page of a group's chat, newest first; `before` pages back. */
export async function chatPage(ctx: Ctx, groupId: string, q: z.infer<typeof ChatPageQuerySchema>): Promise<{ items: ChatItem[]; nextCursor: string | null }> {
  let query = ctx.tdb.selectFrom('activities').selectAll().where('group_id', '=', groupId).where('kind', 'in', CHAT_KINDS)
    .orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1);
  const c = decodeCursor(q.before);
  if (c) query = query.where((eb) => eb.or([eb('occurred_at', '<', c.key), eb.and([eb('occurred_at', '=', c.key), eb('id', '<', c.id)])]));
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const marked = page.length
    ? new Set((await ctx.tdb.selectFrom('highlights').select('activity_id').where('activity_id', 'in', page.map((r) => r.id)).execute()).map((h) => h.activity_id))
    : new Set<string>();
  return {
    items: page.flatMap((r) => {
      const item = chatItem(toActivity(r));
      return item ? [{ ...item, highlighted: marked.has(item.id) }] : [];
    }),
    nextCursor: rows.length > q.limit && last ? encodeCursor(Number(last.occurred_at), last.id) : null,
  };
}

/**
 * Marks a message as good content (精华): by the team, or by a manager of the group (`by` a member). Its
 * author earns points; marking again changes nothing.
 */
export async function highlight(ctx: Ctx, groupId: string, activityId: string, by: { memberId: string } | { team: true }): Promise<void> {
  await ctx.transaction(async (tx) => {
    if ('memberId' in by) {
      const m = await activeMembership(tx, by.memberId, groupId);
      if (m.role !== 'manager' && m.role !== 'creator') throw new ShequnError('auth.forbidden', 'Only the group’s managers mark good content', { reason: 'role' });
    } else {
      tx.authorize('activity.write');
      await visibleGroupRow(tx, groupId);
    }
    const a = await tx.tdb.selectFrom('activities').select(['id', 'member_id']).where('id', '=', activityId).where('group_id', '=', groupId).where('kind', '=', 'message').executeTakeFirst();
    if (!a) throw notFound('message', activityId);
    const markedBy = 'memberId' in by ? by.memberId : `op:${tx.actor.id ?? tx.actor.name}`;
    const inserted = await tx.tdb.insertInto('highlights', { activity_id: a.id, group_id: groupId, member_id: a.member_id, marked_by: markedBy, created_at: tx.clock.now() })
      .onConflict((oc) => oc.columns(['workspace_id', 'activity_id']).doNothing()).returning('activity_id').executeTakeFirst();
    if (!inserted) return;
    if (a.member_id) await awardPoints(tx, { memberId: a.member_id, points: 5, reason: '发言被评为精华', ruleId: null, activityId: a.id, dedupeKey: `highlight:${a.id}` });
    const data = { activityId: a.id, groupId, memberId: a.member_id };
    tx.emit({ type: 'message.highlighted', workspaceId: tx.workspaceId, groupId, data, chat: data });
    if ('team' in by) await recordAudit(tx, 'message.highlight', { type: 'activity', id: a.id }, { groupId });
  });
}

/** A group's chat items after a cursor, oldest first: the real-time backlog of `chat:<id>`. */
export async function chatAfter(ctx: Ctx, groupId: string, after: string, limit: number): Promise<ChatItem[]> {
  let query = ctx.tdb.selectFrom('activities').selectAll().where('group_id', '=', groupId).where('kind', 'in', CHAT_KINDS)
    .orderBy('occurred_at', 'asc').orderBy('id', 'asc').limit(limit);
  const c = decodeCursor(after);
  if (c) query = query.where((eb) => eb.or([eb('occurred_at', '>', c.key), eb.and([eb('occurred_at', '=', c.key), eb('id', '>', c.id)])]));
  return (await query.execute()).flatMap((r) => chatItem(toActivity(r)) ?? []);
}

export async function memberChatPage(ctx: Ctx, me: string, groupId: string, q: z.infer<typeof ChatPageQuerySchema>) {
  await activeMembership(ctx, me, groupId);
  return chatPage(ctx, groupId, q);
}

/** Whether the member is in the group now (the real-time grant asks before every subscribe). */
export async function isActiveMember(ctx: Ctx, me: string, groupId: string): Promise<boolean> {
  try {
    await activeMembership(ctx, me, groupId);
    return true;
  } catch {
    return false;
  }
}

const refuse = (reason: string, message: string, details: Record<string, unknown> = {}) =>
  new ShequnError('chat.refused', message, { reason, ...details });

/**
 * Posts here reach only built-in groups: a WeChat or QQ group hears them through its connector, which the
 * relay and connectors work adds. Until then such a post would be stored and reach no one: refused instead.
 */
async function assertBuiltin(ctx: Ctx, groupId: string): Promise<void> {
  const g = await ctx.tdb.selectFrom('groups').select(['platform', 'name']).where('id', '=', groupId).executeTakeFirstOrThrow();
  if (g.platform !== 'builtin') {
    throw refuse('platform', `The group ${g.name} is on ${g.platform}, and no ${g.platform} connector is connected: the post would reach no one`, { platform: g.platform });
  }
}

interface Draft {
  text: string | null;
  replyTo: string | null;
  mentions: string[];
  /** `qrCodes`: the texts of the QR codes in the image (for the moderation rule; members are not shown them). */
  image: { id: string; width: number; height: number; name: string; qrCodes: string[] } | null;
  file: ChatFile | null;
}

/** A file as a message carries it (the chat item's `file`). */
export interface ChatFile { id: string; name: string; mime: string; bytes: number; kind: FileKind }

export const chatFileOf = (u: Database['uploads']): ChatFile | null => {
  const kind = kindOfUpload(u);
  return kind === 'image' ? null : { id: u.id, name: u.file_name, mime: u.mime, bytes: Number(u.bytes), kind };
};

/** Checks what a post refers to: the reply in the same group, mentioned members of it, an image uploaded to it. */
async function draftOf(
  ctx: Ctx, groupId: string, input: { text?: string | undefined; replyTo?: string | undefined; mentions?: string[] | undefined; imageId?: string | undefined; fileId?: string | undefined }, uploader: string,
): Promise<Draft> {
  const errors: { field: string; reason: string }[] = [];
  const text = input.text?.trim() ? input.text.trim() : null;
  if (!text && !input.imageId && !input.fileId) errors.push({ field: 'text', reason: 'a message needs text, an image or a file' });
  if (input.imageId && input.fileId) errors.push({ field: 'fileId', reason: 'a message carries an image or a file, not both' });
  if (input.replyTo) {
    const r = await ctx.tdb.selectFrom('activities').select('id').where('id', '=', input.replyTo).where('group_id', '=', groupId).where('kind', '=', 'message').executeTakeFirst();
    if (!r) errors.push({ field: 'replyTo', reason: `message ${input.replyTo} is not in this group` });
  }
  const mentions = [...new Set(input.mentions ?? [])];
  if (mentions.length) {
    const found = new Set((await ctx.tdb.selectFrom('memberships').select('member_id').where('group_id', '=', groupId).where('left_at', 'is', null)
      .where('member_id', 'in', mentions).execute()).map((r) => r.member_id));
    mentions.forEach((m, i) => { if (!found.has(m)) errors.push({ field: `mentions.${i}`, reason: `member ${m} is not in this group` }); });
  }
  let image: Draft['image'] = null;
  if (input.imageId) {
    const u = await ctx.tdb.selectFrom('uploads').selectAll().where('id', '=', input.imageId).where('group_id', '=', groupId).where('uploaded_by', '=', uploader).executeTakeFirst();
    if (!u) errors.push({ field: 'imageId', reason: `image ${input.imageId} was not uploaded by you to this group` });
    else if (kindOfUpload(u) !== 'image') errors.push({ field: 'imageId', reason: `upload ${input.imageId} is not an image: post it as fileId` });
    else image = { id: u.id, width: u.width, height: u.height, name: u.file_name, qrCodes: JSON.parse(u.qr_codes) as string[] };
  }
  let file: ChatFile | null = null;
  if (input.fileId) {
    const u = await ctx.tdb.selectFrom('uploads').selectAll().where('id', '=', input.fileId).where('group_id', '=', groupId).where('uploaded_by', '=', uploader).executeTakeFirst();
    if (!u) errors.push({ field: 'fileId', reason: `file ${input.fileId} was not uploaded by you to this group` });
    else if (!(file = chatFileOf(u))) errors.push({ field: 'fileId', reason: `upload ${input.fileId} is an image: post it as imageId` });
  }
  if (errors.length) throw invalid(errors);
  return { text, replyTo: input.replyTo ?? null, mentions, image, file };
}

async function existingPost(ctx: Ctx, sourceId: string): Promise<ChatItem | null> {
  const r = await ctx.tdb.selectFrom('activities').selectAll().where('source', '=', 'builtin').where('source_id', '=', sourceId).executeTakeFirst();
  return r ? chatItem(toActivity(r)) : null;
}

/** Marks an open question answered when a reply comes from someone who may answer it (an expert, a manager, the team). */
async function answerIfQuestion(ctx: Ctx, replyTo: string | null, answer: Activity, answeredBy: string) {
  if (!replyTo) return;
  const q = await ctx.tdb.selectFrom('questions').selectAll().where('activity_id', '=', replyTo).where('status', '=', 'open').executeTakeFirst();
  if (!q) return;
  await ctx.tdb.updateTable('questions').set({ status: 'answered', answer_activity_id: answer.id, answered_by: answeredBy, answered_at: ctx.clock.now() }).where('id', '=', q.id).execute();
  ctx.emit({ type: 'question.answered', workspaceId: ctx.workspaceId, groupId: q.group_id, data: { id: q.id, groupId: q.group_id, answerActivityId: answer.id } });
}

export async function postChat(ctx: Ctx, me: string, groupId: string, input: ChatPost): Promise<ChatItem> {
  return ctx.transaction(async (tx) => {
    const m = await activeMembership(tx, me, groupId);
    const sourceId = `chat:${me}:${input.clientId}`;
    const earlier = await existingPost(tx, sourceId);
    if (earlier) return earlier;
    await assertBuiltin(tx, groupId);
    const needed = await nicknameNeeded(tx, groupId, m.nickname);
    if (needed) {
      throw refuse('nickname', `Set a group nickname in the form ${needed.pattern}${needed.example ? ` (e.g. ${needed.example})` : ''} before you speak`, { pattern: needed.pattern, example: needed.example });
    }
    const mute = await muteOf(tx, m);
    if (mute.muted) throw refuse('muted', `You cannot post now: ${mute.reason}${mute.until ? ` until ${mute.until}` : ''}`, { until: mute.until, why: mute.reason });
    const d = await draftOf(tx, groupId, input, me);
    const [written] = await writeActivities(tx, [{
      kind: 'message', memberId: me, groupId, occurredAt: iso(tx.clock.now()), contentSource: 'UGC', source: 'builtin', sourceId,
      payload: { text: d.text, replyTo: d.replyTo, mentions: d.mentions, image: d.image, ...(d.file ? { file: d.file } : {}), question: input.question === true },
    }], () => '', { audit: false });
    const a = written!.activity;
    if (input.question) {
      const qid = tx.ids.next('q');
      tx.emit({ type: 'question.created', workspaceId: tx.workspaceId, groupId, data: { id: qid, groupId, activityId: a.id } });
      await tx.tdb.insertInto('questions', {
        id: qid, group_id: groupId, member_id: me, activity_id: a.id, text: d.text ?? '', status: 'open', answer_activity_id: null, answered_by: null,
        created_at: tx.clock.now(), answered_at: null,
      }).execute();
    }
    if (m.expert === 1 || m.role === 'manager' || m.role === 'creator') await answerIfQuestion(tx, d.replyTo, a, me);
    return chatItem(a)!;
  });
}

export async function setNickname(ctx: Ctx, me: string, groupId: string, nickname: string): Promise<ChatGroup> {
  await ctx.transaction(async (tx) => {
    const m = await activeMembership(tx, me, groupId);
    const ritual = await checkGroupNickname(tx, groupId, nickname);
    await tx.tdb.updateTable('memberships').set({ nickname }).where('id', '=', m.id).execute();
    if (ritual) await ritualDone(tx, ritual, me, m.id);
    tx.emit(membershipUpdated(tx.workspaceId, groupId, me, ['nickname']));
  });
  return chatGroup(ctx, me, groupId);
}

/** 退群: the member leaves the group; their number stays theirs (numbers are never reissued). */
export async function leaveGroup(ctx: Ctx, me: string, groupId: string): Promise<void> {
  await ctx.transaction(async (tx) => {
    const m = await activeMembership(tx, me, groupId);
    const now = tx.clock.now();
    await tx.tdb.updateTable('memberships').set({ left_at: now }).where('id', '=', m.id).execute();
    await rewriteTerms(tx, me);
    await writeActivities(tx, [{
      kind: 'leave', memberId: me, groupId, occurredAt: iso(now), contentSource: null, source: 'builtin', sourceId: `leave:${m.id}:${now}`, payload: { by: 'self' },
    }], () => '', { audit: false });
    tx.emit(membershipUpdated(tx.workspaceId, groupId, me, ['leftAt']));
  });
}

export async function setInDirectory(ctx: Ctx, me: string, groupId: string, inDirectory: boolean): Promise<ChatGroup> {
  const m = await activeMembership(ctx, me, groupId);
  await ctx.tdb.updateTable('memberships').set({ in_directory: inDirectory ? 1 : 0 }).where('id', '=', m.id).execute();
  return chatGroup(ctx, me, groupId);
}

/** The group's members with numbers and roles (members of the group only). */
export async function roster(ctx: Ctx, me: string, groupId: string): Promise<z.infer<typeof RosterEntrySchema>[]> {
  await activeMembership(ctx, me, groupId);
  const rows = await ctx.tdb.selectFrom('memberships').innerJoin('members', 'members.id', 'memberships.member_id')
    .select(['memberships.member_id', 'members.display_name', 'memberships.nickname', 'memberships.number_display', 'memberships.role', 'memberships.expert'])
    .where('memberships.group_id', '=', groupId).where('memberships.left_at', 'is', null)
    .orderBy('memberships.number').orderBy('memberships.joined_at').limit(5000).execute();
  return rows.map((r) => ({
    memberId: r.member_id, displayName: r.display_name, nickname: r.nickname, number: r.number_display, role: r.role as never, expert: r.expert === 1,
  }));
}

/** Who does what in the group, among those who opted in (找帮手). */
export async function directory(ctx: Ctx, me: string, groupId: string): Promise<z.infer<typeof DirectoryEntrySchema>[]> {
  await activeMembership(ctx, me, groupId);
  const rows = await ctx.tdb.selectFrom('memberships').innerJoin('members', 'members.id', 'memberships.member_id')
    .select(['memberships.member_id', 'members.display_name', 'memberships.nickname', 'memberships.number_display', 'memberships.expert', 'members.city', 'members.occupation', 'members.skills'])
    .where('memberships.group_id', '=', groupId).where('memberships.left_at', 'is', null).where('memberships.in_directory', '=', 1)
    .orderBy('memberships.number').limit(5000).execute();
  return rows.map((r) => ({
    memberId: r.member_id, name: r.nickname ?? r.display_name, number: r.number_display, city: r.city, occupation: r.occupation,
    skills: json<string[]>(r.skills, []), expert: r.expert === 1,
  }));
}

// ---- uploads: images and other files ----

export const uploadUrl = (id: string) => `/api/v1/uploads/${id}`;

const toUpload = (r: Database['uploads']): Upload => ({
  id: r.id, groupId: r.group_id, mime: r.mime, bytes: Number(r.bytes), width: r.width, height: r.height, name: r.file_name, kind: kindOfUpload(r), url: uploadUrl(r.id),
  createdAt: iso(Number(r.created_at)),
});

/** Bytes that start like an image are held to the image rules (a broken or oversized image is refused, not kept as a file). */
const looksLikeImage = (b: Buffer) =>
  b.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) || (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff)
  || b.toString('latin1', 0, 4) === 'GIF8' || (b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP');

/**
 * Keeps an upload for a group (any platform's: the relay keeps a copy of a photo or file heard on Telegram):
 * an image when its bytes are one, otherwise a file whose type is read from its bytes. Stored once by content hash.
 */
export async function storeUpload(ctx: Ctx, files: FileStore, groupId: string, uploader: { memberId: string | null; by: string }, bytes: Buffer, name: string | undefined): Promise<Upload> {
  let info: { mime: string; ext: string; width: number; height: number; fallback: string };
  if (looksLikeImage(bytes)) {
    if (bytes.length > IMAGE_MAX_BYTES) throw new ShequnError('payload.too_large', `An image larger than ${IMAGE_MAX_BYTES / 1024 / 1024} MB`, { field: 'file' });
    const sniffed = sniffImage(bytes);
    if (!sniffed.ok) throw invalid([{ field: 'file', reason: sniffed.reason }]);
    info = { ...sniffed.image, fallback: 'image' };
  } else {
    const sniffed = sniffFile(bytes);
    if (!sniffed.ok) throw invalid([{ field: 'file', reason: sniffed.reason }]);
    info = { mime: sniffed.file.mime, ext: sniffed.file.ext, width: 0, height: 0, fallback: sniffed.file.kind };
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  const key = `${ctx.workspaceId}/${sha.slice(0, 2)}/${sha}.${info.ext}`;
  await files.put(key, bytes);
  const row = {
    id: ctx.ids.next('upl'), group_id: groupId, member_id: uploader.memberId, uploaded_by: uploader.by, sha256: sha, mime: info.mime, bytes: bytes.length,
    width: info.width, height: info.height, file_name: cleanFileName(name, info.ext, info.fallback), storage_key: key,
    qr_codes: JSON.stringify(info.width ? await qrCodesIn(bytes) : []), created_at: ctx.clock.now(),
  };
  await ctx.tdb.insertInto('uploads', row).execute();
  return toUpload({ ...row, workspace_id: ctx.workspaceId });
}

export async function memberUpload(ctx: Ctx, files: FileStore, me: string, groupId: string, bytes: Buffer, name: string | undefined): Promise<Upload> {
  const m = await activeMembership(ctx, me, groupId);
  await assertBuiltin(ctx, groupId);
  const mute = await muteOf(ctx, m);
  if (mute.muted) throw refuse('muted', `You cannot post now: ${mute.reason}`, { until: mute.until, why: mute.reason });
  return storeUpload(ctx, files, groupId, { memberId: me, by: me }, bytes, name);
}

export async function teamUpload(ctx: Ctx, files: FileStore, groupId: string, bytes: Buffer, name: string | undefined): Promise<Upload> {
  ctx.authorize('activity.write');
  await visibleGroupRow(ctx, groupId);
  await assertBuiltin(ctx, groupId);
  return storeUpload(ctx, files, groupId, { memberId: null, by: teamUploader(ctx) }, bytes, name);
}

const teamUploader = (ctx: Ctx) => `op:${ctx.actor.id ?? ctx.actor.name}`;

/** An upload for a viewer who may see its group: a member of it now, or an operator who sees the group. */
export async function readUpload(
  ctx: Ctx, files: FileStore, id: string, viewer: { memberId: string } | { operator: true },
): Promise<{ upload: Upload; bytes: Buffer }> {
  const r = await ctx.tdb.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('upload', id);
  try {
    if ('memberId' in viewer) await activeMembership(ctx, viewer.memberId, r.group_id);
    else {
      ctx.authorize('activity.read');
      await visibleGroupRow(ctx, r.group_id);
    }
  } catch (e) {
    if (e instanceof ShequnError && e.code === 'not_found') throw notFound('upload', id);
    throw e;
  }
  return { upload: toUpload(r), bytes: await files.read(r.storage_key) };
}

// ---- reports (举报) ----

const toReport = (r: Database['reports'], excerpt: string | null, step: string | null = null): Report => ({
  id: r.id, groupId: r.group_id, reporterMemberId: r.reporter_member_id, targetType: r.target_type as Report['targetType'], targetId: r.target_id,
  targetMemberId: r.target_member_id, excerpt, reason: r.reason, status: r.status as Report['status'], decisionNote: r.decision_note, step,
  createdAt: iso(Number(r.created_at)), decidedAt: isoOrNull(r.decided_at === null ? null : Number(r.decided_at)), decidedBy: r.decided_by,
});

async function excerptOf(ctx: Ctx, r: Database['reports']): Promise<string | null> {
  if (r.target_type !== 'message') return null;
  const a = await ctx.tdb.selectFrom('activities').select('payload').where('id', '=', r.target_id).executeTakeFirst();
  const text = a ? json<Record<string, unknown>>(a.payload, {}).text : null;
  return typeof text === 'string' ? text.slice(0, 300) : null;
}

export async function reportInGroup(ctx: Ctx, me: string, groupId: string, input: z.infer<typeof ReportCreateSchema>): Promise<Report> {
  return ctx.transaction(async (tx) => {
    await activeMembership(tx, me, groupId);
    let targetMember: string | null;
    if (input.targetType === 'message') {
      const a = await tx.tdb.selectFrom('activities').select(['id', 'member_id']).where('id', '=', input.targetId).where('group_id', '=', groupId).where('kind', '=', 'message').executeTakeFirst();
      if (!a) throw invalid([{ field: 'targetId', reason: `message ${input.targetId} is not in this group` }]);
      targetMember = a.member_id;
    } else {
      if (input.targetId === me) throw invalid([{ field: 'targetId', reason: 'you cannot report yourself' }]);
      if (!(await isActiveMember(tx, input.targetId, groupId))) throw invalid([{ field: 'targetId', reason: `member ${input.targetId} is not in this group` }]);
      targetMember = input.targetId;
    }
    const row = {
      id: tx.ids.next('rpt'), group_id: groupId, reporter_member_id: me, target_type: input.targetType, target_id: input.targetId, target_member_id: targetMember,
      reason: input.reason, status: 'open', decision_note: null, created_at: tx.clock.now(), decided_at: null, decided_by: null,
    };
    // Reporting the same thing twice is one report.
    await tx.tdb.insertInto('reports', row).onConflict((oc) => oc.columns(['workspace_id', 'reporter_member_id', 'target_type', 'target_id']).doNothing()).execute();
    const saved = await tx.tdb.selectFrom('reports').selectAll().where('reporter_member_id', '=', me).where('target_type', '=', input.targetType)
      .where('target_id', '=', input.targetId).executeTakeFirstOrThrow();
    if (saved.id === row.id) tx.emit({ type: 'report.created', workspaceId: tx.workspaceId, groupId, data: { id: row.id, groupId, targetType: row.target_type, targetId: row.target_id } });
    return toReport(saved, await excerptOf(tx, saved));
  });
}

export async function listReports(ctx: Ctx, groupId: string, status?: Report['status']): Promise<Report[]> {
  ctx.authorize('member.read');
  await visibleGroupRow(ctx, groupId);
  let q = ctx.tdb.selectFrom('reports').selectAll().where('group_id', '=', groupId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(500);
  if (status) q = q.where('status', '=', status);
  const out: Report[] = [];
  for (const r of await q.execute()) out.push(toReport(r, await excerptOf(ctx, r)));
  return out;
}

export async function decideReport(ctx: Ctx, id: string, input: z.infer<typeof ReportDecisionSchema>): Promise<Report> {
  ctx.authorize('member.write');
  return ctx.transaction(async (tx) => {
    const r = await tx.tdb.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
    const v = await tx.visibility();
    if (!r || (!v.all && !v.groupIds.has(r.group_id))) throw notFound('report', id);
    if (r.status !== 'open') throw new ShequnError('conflict', `The report is already ${r.status}`, { status: r.status });
    const now = tx.clock.now();
    const patch = { status: input.decision === 'confirm' ? 'confirmed' : 'dismissed', decision_note: input.note ?? null, decided_at: now, decided_by: tx.actor.id ?? tx.actor.name };
    await tx.tdb.updateTable('reports').set(patch).where('id', '=', id).execute();
    if (input.decision === 'confirm' && input.muteMinutes > 0 && r.target_member_id) {
      await tx.tdb.updateTable('memberships').set({ muted_until: now + input.muteMinutes * 60_000 })
        .where('group_id', '=', r.group_id).where('member_id', '=', r.target_member_id).where('left_at', 'is', null).execute();
      tx.emit(membershipUpdated(tx.workspaceId, r.group_id, r.target_member_id, ['mutedUntil']));
    }
    let step: string | null = null;
    if (input.decision === 'confirm' && input.ladder && r.target_member_id) {
      step = await applyLadder(tx, {
        groupId: r.group_id, memberId: r.target_member_id, reason: `被举报：${r.reason}`, causeActivityId: r.target_type === 'message' ? r.target_id : null, dedupeKey: `report:${r.id}`,
      });
    }
    await recordAudit(tx, `report.${patch.status === 'confirmed' ? 'confirm' : 'dismiss'}`, { type: 'report', id }, { groupId: r.group_id, muteMinutes: input.muteMinutes });
    tx.emit({ type: 'report.decided', workspaceId: tx.workspaceId, groupId: r.group_id, data: { id, groupId: r.group_id, status: patch.status } });
    const saved = { ...r, ...patch };
    return toReport(saved, await excerptOf(tx, saved), step);
  });
}

// ---- questions ----

const toQuestion = (r: Database['questions']): Question => ({
  id: r.id, groupId: r.group_id, memberId: r.member_id, activityId: r.activity_id, text: r.text, status: r.status as Question['status'],
  answerActivityId: r.answer_activity_id, answeredBy: r.answered_by, createdAt: iso(Number(r.created_at)), answeredAt: isoOrNull(r.answered_at === null ? null : Number(r.answered_at)),
});

async function questionsOf(ctx: Ctx, groupId: string, status?: Question['status']): Promise<Question[]> {
  let q = ctx.tdb.selectFrom('questions').selectAll().where('group_id', '=', groupId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(500);
  if (status) q = q.where('status', '=', status);
  return (await q.execute()).map(toQuestion);
}

export async function memberQuestions(ctx: Ctx, me: string, groupId: string, status?: Question['status']): Promise<Question[]> {
  await activeMembership(ctx, me, groupId);
  return questionsOf(ctx, groupId, status);
}

export async function teamQuestions(ctx: Ctx, groupId: string, status?: Question['status']): Promise<Question[]> {
  ctx.authorize('activity.read');
  await visibleGroupRow(ctx, groupId);
  return questionsOf(ctx, groupId, status);
}

// ---- the team's side ----

/** The team posts in the group (content source OGC), e.g. to answer a question or to welcome someone. */
export async function postAsTeam(ctx: Ctx, groupId: string, input: z.infer<typeof TeamPostSchema>): Promise<ChatItem> {
  ctx.authorize('activity.write');
  return ctx.transaction(async (tx) => {
    await visibleGroupRow(tx, groupId);
    const by = teamUploader(tx);
    const sourceId = `team:${by}:${input.clientId}`;
    const earlier = await existingPost(tx, sourceId);
    if (earlier) return earlier;
    await assertBuiltin(tx, groupId);
    const d = await draftOf(tx, groupId, input, by);
    const [written] = await writeActivities(tx, [{
      kind: 'message', memberId: null, groupId, occurredAt: iso(tx.clock.now()), contentSource: 'OGC', source: 'builtin', sourceId,
      payload: { text: d.text, replyTo: d.replyTo, mentions: [], image: d.image, ...(d.file ? { file: d.file } : {}), from: tx.actor.name, operatorId: tx.actor.id },
    }], () => '');
    await answerIfQuestion(tx, d.replyTo, written!.activity, by);
    return chatItem(written!.activity)!;
  });
}

/** Pins (or with null, clears) the group's announcement; members see it at the top of the chat and in the stream. */
export async function setAnnouncement(ctx: Ctx, groupId: string, text: string | null): Promise<{ text: string; at: string } | null> {
  ctx.authorize('group.write');
  return ctx.transaction(async (tx) => {
    await visibleGroupRow(tx, groupId);
    await assertBuiltin(tx, groupId);
    const now = tx.clock.now();
    const value = text?.trim() ? text.trim() : null;
    await tx.tdb.updateTable('groups').set({ announcement: value, announcement_at: value ? now : null, updated_at: now }).where('id', '=', groupId).execute();
    if (value) {
      await writeActivities(tx, [{
        kind: 'service', memberId: null, groupId, occurredAt: iso(now), contentSource: 'OGC', source: 'builtin', sourceId: `announcement:${groupId}:${now}`,
        payload: { event: 'announcement', text: value, from: tx.actor.name },
      }], () => '', { audit: false });
    }
    await recordAudit(tx, 'group.announcement', { type: 'group', id: groupId }, { cleared: !value });
    return value ? { text: value, at: iso(now) } : null;
  });
}
