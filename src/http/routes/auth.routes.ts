import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Clock, IdGenerator } from '../../kernel/clock.ts';
import type { Db } from '../../kernel/db/connect.ts';
import { getWorkspace } from '../../modules/workspace/index.ts';
import { OperatorSchema, SESSION_TTL_MS, SignInSchema, signIn, signOut, getSelf } from '../../modules/operator/index.ts';
import { rolePermissions } from '../../modules/operator/index.ts';
import { CSRF_COOKIE, SESSION_COOKIE } from '../auth.ts';
import { NoContent, Secured, type App } from './common.ts';

const Me = z.object({
  operator: OperatorSchema.nullable(),
  actor: z.object({ kind: z.string(), id: z.string().nullable(), name: z.string(), role: z.string() }),
  permissions: z.array(z.string()),
  workspace: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  csrfToken: z.string().nullable(),
});

export function authRoutes(app: App, deps: { db: Db; config: Config; clock: Clock; ids: IdGenerator }) {
  const cookieOpts = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: deps.config.secureCookies, maxAge: SESSION_TTL_MS / 1000 };

  app.post('/api/v1/auth/sign-in', {
    config: {
      public: true,
      rateLimit: {
        max: deps.config.signInLimitPerWindow,
        timeWindow: deps.config.signInWindowMs,
        hook: 'preHandler',
        keyGenerator: (req) => `${req.ip}|${String((req.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase()}`,
      },
    },
    schema: {
      tags: ['auth'], summary: 'Sign in with e-mail and password; sets the session cookie and returns the CSRF token',
      body: SignInSchema,
      response: { 200: Me },
    },
  }, async (req, reply) => {
    const s = await signIn(deps.db.kysely, deps, req.body);
    reply.setCookie(SESSION_COOKIE, s.sessionToken, cookieOpts);
    // Readable by the console's script, which echoes it in X-CSRF-Token (double submit).
    reply.setCookie(CSRF_COOKIE, s.csrfToken, { ...cookieOpts, httpOnly: false });
    const ws = await getWorkspace(deps.db.kysely, s.workspaceId);
    return {
      operator: s.operator,
      actor: { kind: 'operator', id: s.operator.id, name: s.operator.name, role: s.operator.role },
      permissions: [...rolePermissions[s.operator.role]],
      workspace: { id: ws.id, slug: ws.slug, name: ws.name },
      csrfToken: s.csrfToken,
    };
  });

  app.post('/api/v1/auth/sign-out', {
    schema: { tags: ['auth'], summary: 'End the current session', security: Secured, response: { 204: NoContent } },
  }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await signOut(deps.db.kysely, deps, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
    return reply.code(204).send(null);
  });

  app.get('/api/v1/auth/me', {
    schema: { tags: ['auth'], summary: 'Who am I: operator or token, role, permissions and workspace', security: Secured, response: { 200: Me } },
  }, async (req) => {
    const ctx = req.ctx();
    const ws = await getWorkspace(deps.db.kysely, ctx.workspaceId);
    const operator = await getSelf(ctx);
    return {
      operator,
      actor: { kind: ctx.actor.kind, id: ctx.actor.id, name: ctx.actor.name, role: ctx.actor.role },
      permissions: [...rolePermissions[ctx.actor.role]],
      workspace: { id: ws.id, slug: ws.slug, name: ws.name },
      csrfToken: req.principal?.csrfToken ?? null,
    };
  });
}
