// Who may connect to the hub and what each principal receives. Operators authenticate like the HTTP API
// (API token or session cookie); the member web app adds its own authenticator and grant through
// `useAuthenticator` / `useMemberGrant` (see member-access.ts).
import type { IncomingMessage } from 'node:http';
import type { Runtime } from '../bootstrap.ts';
import { Ctx } from '../kernel/context.ts';
import { TenantDb } from '../kernel/db/tenant.ts';
import { ShequnError } from '../kernel/errors.ts';
import { activityCreatedEvent, groupActivitiesAfter } from '../modules/activity/index.ts';
import { visibleGroupRow } from '../modules/group/group.service.ts';
import { chatAfter } from '../modules/builtin/index.ts';
import { principalFromSession, principalFromToken, type Principal } from '../modules/operator/index.ts';
import { ChannelRefused, type Grant, type HubAccess } from './hub.ts';
import type { Channel, RealtimeEvent } from './pubsub.ts';

const SESSION_COOKIE = 'shequn_session';

export interface OperatorPrincipal {
  kind: 'operator';
  workspaceId: string;
  principal: Principal;
  /** Asks again whether the credential the connection was opened with still holds. */
  stillValid: () => Promise<boolean>;
}

/** A member of the built-in community signed in to the member web app (see member-access.ts). */
export interface MemberPrincipal {
  kind: 'member';
  workspaceId: string;
  memberId: string;
  name?: string;
  /** Asks again whether the member session still holds (not signed out, the member not deleted). */
  stillValid: () => Promise<boolean>;
}

export type RealtimePrincipal = OperatorPrincipal | MemberPrincipal;

/** Recognizes a principal from an upgrade request, or returns null to let the next authenticator try. */
export type Authenticator = (req: IncomingMessage) => Promise<RealtimePrincipal | null>;
export type MemberGrant = (principal: MemberPrincipal, channel: Channel) => Promise<Grant>;
/** The member channels a member may no longer hear (they left the group). */
export type MemberRecheck = (principal: MemberPrincipal, channels: Channel[]) => Promise<Channel[]>;

/** The bearer token of an upgrade: the Authorization header, or the `bearer.<token>` subprotocol (browsers). */
export function bearerToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth !== undefined) return /^Bearer\s+(\S{1,200})$/i.exec(auth)?.[1] ?? '';
  const offered = req.headers['sec-websocket-protocol'];
  if (!offered) return undefined;
  const p = offered.split(',').map((s) => s.trim()).find((s) => s.startsWith('bearer.'));
  return p ? p.slice('bearer.'.length, 'bearer.'.length + 200) : undefined;
}

export function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * Browsers send cookies on cross-site WebSocket handshakes (there is no CSRF header to ask for), so a
 * cookie-authenticated upgrade must come from a page of this origin.
 */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a browser
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function operatorAuthenticator(rt: Pick<Runtime, 'db' | 'clock'>): Authenticator {
  return async (req) => {
    const token = bearerToken(req);
    let principal: Principal | null = null;
    let again: () => Promise<Principal | null> = async () => null;
    if (token !== undefined) {
      again = async () => (token ? principalFromToken(rt.db.kysely, rt.clock, token) : null);
    } else {
      const session = cookieValue(req, SESSION_COOKIE);
      if (session && sameOrigin(req)) again = () => principalFromSession(rt.db.kysely, rt.clock, session);
    }
    principal = await again();
    return principal ? { kind: 'operator', workspaceId: principal.workspaceId, principal, stillValid: async () => (await again()) !== null } : null;
  };
}

const toRealtime = (e: ReturnType<typeof activityCreatedEvent>): RealtimeEvent => ({
  type: e.type, workspaceId: e.workspaceId, ...(e.groupId ? { groupId: e.groupId } : {}), ...(e.cursor ? { cursor: e.cursor } : {}), data: e.data,
});

export class RealtimeAccess implements HubAccess<RealtimePrincipal> {
  private readonly authenticators: Authenticator[];
  private memberGrant?: MemberGrant;
  private memberRecheck?: MemberRecheck;

  constructor(private readonly rt: Runtime) {
    this.authenticators = [operatorAuthenticator(rt)];
  }

  /** Adds a way to authenticate (e.g. member sessions), tried after the operator's. */
  useAuthenticator(a: Authenticator): void {
    this.authenticators.push(a);
  }

  /** Decides what a member may subscribe to (e.g. the groups it belongs to), and what it may no longer hear. */
  useMemberGrant(g: MemberGrant, recheck?: MemberRecheck): void {
    this.memberGrant = g;
    this.memberRecheck = recheck;
  }

  async recheck(p: RealtimePrincipal, channels: Channel[]): Promise<{ valid: boolean; revoked: Channel[] }> {
    if (!(await p.stillValid())) return { valid: false, revoked: [] };
    return { valid: true, revoked: p.kind === 'member' && this.memberRecheck ? await this.memberRecheck(p, channels) : [] };
  }

  async authenticate(req: IncomingMessage): Promise<RealtimePrincipal | null> {
    for (const a of this.authenticators) {
      const p = await a(req);
      if (p) return p;
    }
    return null;
  }

  describe(p: RealtimePrincipal): Record<string, unknown> {
    return p.kind === 'operator'
      ? { principal: { kind: 'operator', workspaceId: p.workspaceId, actor: p.principal.actor.kind, name: p.principal.actor.name, role: p.principal.actor.role } }
      : { principal: { kind: 'member', workspaceId: p.workspaceId, memberId: p.memberId } };
  }

  ctxFor(p: OperatorPrincipal): Ctx {
    const { rt } = this;
    return new Ctx(new TenantDb(rt.db.kysely, p.workspaceId, rt.db.sqlite), p.principal.actor, rt.clock, rt.ids, rt.log.child({ workspaceId: p.workspaceId, actor: p.principal.actor.id }));
  }

  async grant(p: RealtimePrincipal, channel: Channel): Promise<Grant> {
    if (p.kind === 'member') {
      if (!this.memberGrant) throw new ChannelRefused('channel.forbidden', 'Members cannot subscribe yet');
      return this.memberGrant(p, channel);
    }
    const ctx = this.ctxFor(p);
    ctx.authorize('activity.read');
    const [kind, id] = channel.split(':') as ['group' | 'workspace' | 'chat', string];
    if (kind === 'workspace') {
      if (id !== p.workspaceId) throw new ChannelRefused('channel.forbidden', 'You can subscribe only to your own workspace');
      const v = await ctx.visibility();
      // A scoped operator hears about its own groups only.
      return v.all ? {} : { filter: (e) => !!e.groupId && v.groupIds.has(e.groupId) };
    }
    await visibleGroupRow(ctx, id);
    if (kind === 'chat') {
      return {
        backlog: async (after, limit) => (await chatAfter(ctx, id, after, limit)).map((item): RealtimeEvent => ({
          type: 'chat.item', workspaceId: p.workspaceId, groupId: id, cursor: item.cursor, data: item,
        })),
      };
    }
    return {
      backlog: async (after, limit) => (await groupActivitiesAfter(ctx, id, after, limit)).map((a) => toRealtime(activityCreatedEvent(p.workspaceId, a))),
    };
  }

  refusal(err: unknown): { code: string; message: string } {
    if (err instanceof ChannelRefused) return { code: err.code, message: err.message };
    if (err instanceof ShequnError) {
      if (err.code === 'not_found') return { code: 'channel.not_found', message: err.message };
      if (err.code === 'auth.forbidden') return { code: 'channel.forbidden', message: err.message };
      if (err.code === 'validation.failed') return { code: 'cursor.invalid', message: 'after is not a cursor from an earlier event' };
    }
    this.rt.log.error({ err }, 'real-time subscribe failed');
    return { code: 'internal', message: 'Something went wrong on our side' };
  }
}
