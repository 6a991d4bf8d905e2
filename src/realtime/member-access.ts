// Members of the built-in community on the hub: the member app's session cookie (same origin only) and
// the one kind of channel they may hear, `chat:<group>` of a group they are in now.
import type { Runtime } from '../bootstrap.ts';
import { Ctx } from '../kernel/context.ts';
import { TenantDb } from '../kernel/db/tenant.ts';
import { MEMBER_APP, MEMBER_COOKIE, chatAfter, isActiveMember, memberSessionFrom } from '../modules/builtin/index.ts';
import { cookieValue, sameOrigin, type Authenticator, type MemberGrant, type MemberPrincipal, type MemberRecheck } from './access.ts';
import { ChannelRefused } from './hub.ts';
import type { Channel, RealtimeEvent } from './pubsub.ts';

export function memberAuthenticator(rt: Pick<Runtime, 'db' | 'clock'>): Authenticator {
  return async (req) => {
    const token = cookieValue(req, MEMBER_COOKIE);
    if (!token || !sameOrigin(req)) return null;
    const s = await memberSessionFrom(rt.db.kysely, rt.clock, token);
    if (!s?.memberId) return null;
    const memberId = s.memberId;
    return {
      kind: 'member', workspaceId: s.workspaceId, memberId,
      stillValid: async () => (await memberSessionFrom(rt.db.kysely, rt.clock, token))?.memberId === memberId,
    };
  };
}

const memberCtx = (rt: Runtime, p: MemberPrincipal) =>
  new Ctx(new TenantDb(rt.db.kysely, p.workspaceId, rt.db.sqlite), MEMBER_APP, rt.clock, rt.ids, rt.log.child({ workspaceId: p.workspaceId, memberId: p.memberId }));

/** A member who left a group (or was removed) stops hearing its chat at the next recheck. */
export function memberRecheck(rt: Runtime): MemberRecheck {
  return async (p, channels) => {
    const ctx = memberCtx(rt, p);
    const gone: Channel[] = [];
    for (const c of channels) if (!(await isActiveMember(ctx, p.memberId, c.slice('chat:'.length)))) gone.push(c);
    return gone;
  };
}

export function memberGrant(rt: Runtime): MemberGrant {
  return async (p, channel) => {
    const [kind, groupId] = channel.split(':') as [string, string];
    if (kind !== 'chat') throw new ChannelRefused('channel.forbidden', 'Members subscribe to chat:<group> of their own groups');
    const ctx = memberCtx(rt, p);
    // Not in the group reads as no such group: a member learns nothing of groups they are not in.
    if (!(await isActiveMember(ctx, p.memberId, groupId))) throw new ChannelRefused('channel.not_found', `group ${groupId} was not found`);
    return {
      backlog: async (after, limit) => (await chatAfter(ctx, groupId, after, limit)).map((item): RealtimeEvent => ({
        type: 'chat.item', workspaceId: p.workspaceId, groupId, cursor: item.cursor, data: item,
      })),
    };
  };
}
