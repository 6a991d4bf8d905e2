// The built-in community as a connector: the outbox's actions carried out on built-in groups directly
// (a warning is a message from the group assistant, a mute sets the membership's muted_until, …).
import type { Ctx } from '../../kernel/context.ts';
import { iso } from '../../kernel/clock.ts';
import { writeActivities } from '../activity/index.ts';
import { membershipUpdated, nameInGroup, rewriteTerms } from '../member/index.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { Refused, type Connector, type GroupAction, type OutboxAction } from '../outbox/index.ts';
import { chatFileOf } from './chat.service.ts';

const ASSISTANT = '群助手';

/** Posts in the group as the assistant (or as the payload's `from`); returns the message's activity id. */
async function say(ctx: Ctx, a: GroupAction, text: string, extra: Record<string, unknown> = {}): Promise<string | undefined> {
  if (!a.groupId) return;
  const [w] = await writeActivities(ctx, [{
    kind: 'message', memberId: null, groupId: a.groupId, occurredAt: iso(ctx.clock.now()), contentSource: 'OGC', source: 'builtin', sourceId: `outbox:${a.id}`,
    payload: { text, from: ASSISTANT, mentions: a.memberId ? [a.memberId] : [], ...extra },
  }], () => '', { audit: false });
  return w?.activity.id;
}

/**
 * An upload (image or file) of one group, made visible in another: a new upload row over the same stored
 * bytes (uploads are kept by content hash), so the file is stored once however many groups show it.
 */
async function uploadIn(ctx: Ctx, groupId: string, media: unknown): Promise<Database['uploads'] | null> {
  const uploadId = media && typeof media === 'object' ? (media as Record<string, unknown>).uploadId : null;
  if (typeof uploadId !== 'string') return null;
  const u = await ctx.tdb.selectFrom('uploads').selectAll().where('id', '=', uploadId).executeTakeFirst();
  if (!u) return null;
  if (u.group_id === groupId) return u;
  const row = { ...u, id: ctx.ids.next('upl'), group_id: groupId, created_at: ctx.clock.now() };
  const { workspace_id: _ws, ...insert } = row;
  await ctx.tdb.insertInto('uploads', insert).execute();
  return row;
}

async function leave(ctx: Ctx, groupId: string, memberId: string, outboxId: string): Promise<string | null> {
  const m = await ctx.tdb.selectFrom('memberships').select('id').where('group_id', '=', groupId).where('member_id', '=', memberId).where('left_at', 'is', null).executeTakeFirst();
  if (!m) return null;
  const now = ctx.clock.now();
  await ctx.tdb.updateTable('memberships').set({ left_at: now }).where('id', '=', m.id).execute();
  await writeActivities(ctx, [{
    kind: 'leave', memberId, groupId, occurredAt: iso(now), contentSource: null, source: 'builtin', sourceId: `outbox:${outboxId}:${m.id}`, payload: { by: 'rule', outboxId },
  }], () => '', { audit: false });
  await rewriteTerms(ctx, memberId);
  ctx.emit(membershipUpdated(ctx.workspaceId, groupId, memberId, ['leftAt']));
  return m.id;
}

async function restore(ctx: Ctx, membershipIds: string[], outboxId: string) {
  for (const id of membershipIds) {
    const m = await ctx.tdb.selectFrom('memberships').selectAll().where('id', '=', id).executeTakeFirst();
    if (!m || m.left_at === null) continue;
    const now = ctx.clock.now();
    // The member comes back with their own number: numbers are never reissued.
    await ctx.tdb.updateTable('memberships').set({ left_at: null }).where('id', '=', id).execute();
    await writeActivities(ctx, [{
      kind: 'join', memberId: m.member_id, groupId: m.group_id, occurredAt: iso(now), contentSource: null, source: 'builtin', sourceId: `outbox:${outboxId}:${id}`,
      payload: { restored: true, number: m.number_display, outboxId },
    }], () => '', { audit: false });
    await rewriteTerms(ctx, m.member_id);
    ctx.emit(membershipUpdated(ctx.workspaceId, m.group_id, m.member_id, ['leftAt']));
  }
}

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export const builtinConnector: Connector = {
  platform: 'builtin',
  kind: 'local',
  capabilities: new Set<OutboxAction>(['send', 'warn', 'mute', 'unmute', 'remove', 'restore', 'blacklist', 'unblacklist']),
  async perform(ctx, a) {
    const p = a.payload;
    switch (a.action) {
      case 'send': {
        // A relayed message keeps who it is from, its image or file (shown in this group) and what it answers here.
        const img = a.groupId ? await uploadIn(ctx, a.groupId, p.image) : null;
        const image = img ? { id: img.id, width: img.width, height: img.height, name: img.file_name } : null;
        const f = a.groupId ? await uploadIn(ctx, a.groupId, p.file) : null;
        const file = f ? chatFileOf(f) : null;
        if (p.file && !file) throw new Refused('the file to send is gone');
        const ref = await say(ctx, a, String(p.text ?? ''), {
          ...(typeof p.from === 'string' ? { from: p.from } : {}), ...(image ? { image } : {}), ...(file ? { file } : {}), ...(a.refs.replyTo ? { replyTo: a.refs.replyTo } : {}),
          ...(p.relay ? { relay: p.relay } : {}),
        });
        return ref ? { ref } : undefined;
      }
      case 'warn':
        await say(ctx, a, String(p.text ?? a.reason ?? ''), { warning: true });
        return;
      case 'mute': {
        if (!a.groupId || !a.memberId) return;
        const minutes = Number(p.minutes) || 60;
        const until = ctx.clock.now() + minutes * 60_000;
        await ctx.tdb.updateTable('memberships').set({ muted_until: until })
          .where('group_id', '=', a.groupId).where('member_id', '=', a.memberId).where('left_at', 'is', null).execute();
        ctx.emit(membershipUpdated(ctx.workspaceId, a.groupId, a.memberId, ['mutedUntil']));
        await say(ctx, a, `@${(await nameInGroup(ctx, a.groupId, a.memberId)) ?? '成员'} 已被禁言 ${minutes} 分钟：${a.reason ?? ''}`);
        return { mutedUntil: until };
      }
      case 'unmute':
        if (!a.groupId || !a.memberId) return;
        await ctx.tdb.updateTable('memberships').set({ muted_until: null }).where('group_id', '=', a.groupId).where('member_id', '=', a.memberId).execute();
        ctx.emit(membershipUpdated(ctx.workspaceId, a.groupId, a.memberId, ['mutedUntil']));
        return;
      case 'remove': {
        if (!a.groupId || !a.memberId) return;
        const name = (await nameInGroup(ctx, a.groupId, a.memberId)) ?? '成员';
        const m = await leave(ctx, a.groupId, a.memberId, a.id);
        if (m) await say(ctx, a, `${name} 已被移出本群：${a.reason ?? ''}`);
        return { memberships: m ? [m] : [] };
      }
      case 'restore':
        await restore(ctx, ids((p.of as Record<string, unknown> | undefined)?.memberships), a.id);
        return;
      case 'blacklist': {
        if (!a.memberId) return;
        await ctx.tdb.insertInto('blacklist', { member_id: a.memberId, reason: a.reason ?? '', origin_id: a.id, created_at: ctx.clock.now() })
          .onConflict((oc) => oc.columns(['workspace_id', 'member_id']).doNothing()).execute();
        // Out of every built-in group of the workspace (external groups follow through their connectors).
        const groups = await ctx.tdb.selectFrom('memberships').innerJoin('groups', 'groups.id', 'memberships.group_id').select('memberships.group_id')
          .where('memberships.member_id', '=', a.memberId).where('memberships.left_at', 'is', null).where('groups.platform', '=', 'builtin').execute();
        const left: string[] = [];
        for (const g of groups) {
          const m = await leave(ctx, g.group_id, a.memberId, a.id);
          if (m) left.push(m);
        }
        return { memberships: left };
      }
      case 'unblacklist':
        if (!a.memberId) return;
        await ctx.tdb.deleteFrom('blacklist').where('member_id', '=', a.memberId).execute();
        await restore(ctx, ids((p.of as Record<string, unknown> | undefined)?.memberships), a.id);
        return;
    }
  },
};

/** Whether the member is on the workspace's blacklist (拉黑): they cannot join any group. */
export async function isBlacklisted(ctx: Ctx, memberId: string): Promise<boolean> {
  return !!(await ctx.tdb.selectFrom('blacklist').select('member_id').where('member_id', '=', memberId).executeTakeFirst());
}
