// Authentication at the edge: a Bearer API token or the session cookie (with a CSRF header on writes).
// It produces the Ctx every handler passes to the services.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Ctx } from '../kernel/context.ts';
import type { Clock, IdGenerator } from '../kernel/clock.ts';
import type { Database } from '../kernel/db/schema.ts';
import type { Db } from '../kernel/db/connect.ts';
import { TenantDb } from '../kernel/db/tenant.ts';
import { ShequnError } from '../kernel/errors.ts';
import type { EventPublisher } from '../kernel/events.ts';
import type { Logger } from '../kernel/logger.ts';
import { principalFromSession, principalFromToken, type Principal } from '../modules/operator/index.ts';
import { MEMBER_COOKIE, memberSessionFrom, type MemberSession } from '../modules/builtin/index.ts';

export const SESSION_COOKIE = 'shequn_session';
export const CSRF_COOKIE = 'shequn_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** The member app's session, on member routes (required) and public ones (when the cookie is sent). */
    memberSession: MemberSession | null;
    ctx(): Ctx;
  }
  interface FastifyContextConfig {
    /** Routes that answer without a signed-in operator or token. */
    public?: boolean;
    /** Routes of the member web app: a member session instead of an operator's. */
    member?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function registerAuth(app: FastifyInstance, deps: { db: Kysely<Database>; sqlite?: Db['sqlite']; clock: Clock; ids: IdGenerator; events?: EventPublisher | undefined }): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('memberSession', null);
  app.decorateRequest('ctx', function (this: FastifyRequest) {
    const p = this.principal;
    if (!p) throw new ShequnError('auth.required', 'Sign in or send an API token');
    return new Ctx(new TenantDb(deps.db, p.workspaceId, deps.sqlite), p.actor, deps.clock, deps.ids, this.log.child({ workspaceId: p.workspaceId, actor: p.actor.id }) as unknown as Logger, deps.events);
  });

  app.addHook('onRequest', async (req) => {
    const { member, public: open } = req.routeOptions.config;
    if (member || open) {
      const token = req.cookies[MEMBER_COOKIE];
      req.memberSession = token ? await memberSessionFrom(deps.db, deps.clock, token) : null;
    }
    if (member) {
      const s = req.memberSession;
      if (!s?.memberId) throw new ShequnError('auth.required', 'Join a group through an invite link first (no member session on this device)');
      if (!SAFE_METHODS.has(req.method) && req.headers[CSRF_HEADER] !== s.csrfToken) {
        throw new ShequnError('auth.csrf', `Send the member session's CSRF token (GET /api/v1/me) in the ${CSRF_HEADER} header`);
      }
      return;
    }
    const auth = req.headers.authorization;
    if (auth !== undefined) {
      const m = /^Bearer\s+(\S{1,200})$/i.exec(auth);
      req.principal = m ? await principalFromToken(deps.db, deps.clock, m[1]!) : null;
      if (!req.principal && !req.routeOptions.config.public) throw new ShequnError('auth.required', 'The API token is invalid or revoked');
      return;
    }
    const session = req.cookies[SESSION_COOKIE];
    if (session) {
      req.principal = await principalFromSession(deps.db, deps.clock, session);
      if (req.principal && !SAFE_METHODS.has(req.method)) {
        const sent = req.headers[CSRF_HEADER];
        if (sent !== req.principal.csrfToken) throw new ShequnError('auth.csrf', `Send the CSRF token from sign-in in the ${CSRF_HEADER} header`);
      }
    }
    if (!req.principal && !req.routeOptions.config.public) throw new ShequnError('auth.required', 'Sign in or send an API token');
  });
}
