// Joining: the public invite pages of the member web app (no operator sign-in), operators' invites and
// their decisions on join requests.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Clock, IdGenerator } from '../../kernel/clock.ts';
import { Ctx, type Actor } from '../../kernel/context.ts';
import type { Db } from '../../kernel/db/connect.ts';
import { TenantDb } from '../../kernel/db/tenant.ts';
import { notFound } from '../../kernel/errors.ts';
import type { EventPublisher } from '../../kernel/events.ts';
import type { Logger } from '../../kernel/logger.ts';
import {
  CodeParams, InviteCreateSchema, InviteListQuerySchema, InviteSchema, JoinRequestListQuerySchema, JoinRequestSchema, JoinResultSchema, JoinSubmitSchema,
  JoinViewSchema, ReferralSchema, RejectSchema, approveJoinRequest, createInvite, inviteWorkspace, listInvites, listJoinRequests, referralInvite,
  rejectJoinRequest, revokeInvite, submitJoin, viewInvite,
} from '../../modules/joining/index.ts';
import { IdParams, NoContent, Page, Secured, type App } from './common.ts';
import { MEMBER_COOKIE, MEMBER_SESSION_TTL_MS } from '../../modules/builtin/index.ts';
import { qrFor } from './builtin.routes.ts';

/** Who acts for a newcomer on the public pages: the join flow itself, with no scope. */
const JOIN_PAGE: Actor = { kind: 'system', id: null, name: '入群页 join page', role: 'operator', scope: null };

export function joiningRoutes(app: App, deps: { db: Db; config: Config; clock: Clock; ids: IdGenerator; events?: EventPublisher | undefined }) {
  const tags = ['入群 joining'];

  /** The device's member session when it belongs to the invite's workspace (a session elsewhere does not carry over). */
  const sessionFor = (req: FastifyRequest, workspaceId: string | null) => (req.memberSession && req.memberSession.workspaceId === workspaceId ? req.memberSession : null);

  async function publicCtx(req: FastifyRequest, code: string): Promise<Ctx> {
    const ws = await inviteWorkspace(deps.db.kysely, code);
    if (!ws) throw notFound('invite', code);
    const log = req.log.child({ workspaceId: ws, invite: code }) as unknown as Logger;
    return new Ctx(new TenantDb(deps.db.kysely, ws, deps.db.sqlite), JOIN_PAGE, deps.clock, deps.ids, log, deps.events);
  }

  app.get('/api/v1/public/join/:code', {
    config: { public: true },
    schema: { tags, summary: 'What a newcomer sees for an invite: the group it leads to now, its entry mode, ritual texts and price (public)', params: CodeParams, response: { 200: JoinViewSchema } },
  }, async (req) => viewInvite(await publicCtx(req, req.params.code), req.params.code, sessionFor(req, await inviteWorkspace(deps.db.kysely, req.params.code))));

  app.post('/api/v1/public/join/:code', {
    config: {
      public: true,
      rateLimit: {
        max: deps.config.joinLimitPerWindow,
        timeWindow: deps.config.joinWindowMs,
        hook: 'preHandler',
        keyGenerator: (req) => `join|${req.ip}`,
        errorResponseBuilder: (_req, c) => ({ statusCode: 429, message: `Too many join attempts; try again in ${Math.ceil(c.ttl / 1000)} s` }),
      },
    },
    schema: {
      tags, summary: 'Join through an invite (public): joined at once (open, code) or a pending request for an operator (application, task, paid)',
      params: CodeParams, body: JoinSubmitSchema, response: { 200: JoinResultSchema },
    },
  }, async (req, reply) => {
    const ctx = await publicCtx(req, req.params.code);
    const { result, sessionToken } = await submitJoin(ctx, req.params.code, req.body, sessionFor(req, ctx.workspaceId));
    // The device's key to the member app: httpOnly, and Lax so that a cross-site form cannot post with it.
    if (sessionToken) reply.setCookie(MEMBER_COOKIE, sessionToken, { path: '/', httpOnly: true, sameSite: 'lax', secure: deps.config.secureCookies, maxAge: MEMBER_SESSION_TTL_MS / 1000 });
    return result;
  });

  app.get('/api/v1/invites', { schema: { tags, summary: 'List invites (links and rotating invites)', security: Secured, querystring: InviteListQuerySchema, response: { 200: z.object({ items: z.array(InviteSchema) }) } } },
    async (req) => ({ items: await listInvites(req.ctx(), req.query) }));
  app.post('/api/v1/invites', { schema: { tags, summary: 'Create an invite to a group or a group set (活码: a full group sends newcomers to the next)', security: Secured, body: InviteCreateSchema, response: { 201: InviteSchema } } },
    async (req, reply) => reply.code(201).send(await createInvite(req.ctx(), req.body)));
  app.delete('/api/v1/invites/:id', { schema: { tags, summary: 'Revoke an invite', security: Secured, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await revokeInvite(req.ctx(), req.params.id);
      return reply.code(204).send(null);
    });

  app.get('/api/v1/members/:id/referral', {
    schema: {
      tags, summary: "The member's referral invite to a group (created once), with its page path and QR code for the share poster", security: Secured, params: IdParams,
      querystring: z.object({ groupId: z.string().min(1).max(64) }).strict(), response: { 200: ReferralSchema },
    },
  }, async (req) => {
    const invite = await referralInvite(req.ctx(), req.params.id, req.query.groupId);
    return { invite, path: invite.path, qrDataUrl: await qrFor(req, deps.config, invite.path) };
  });

  app.get('/api/v1/groups/:id/join-requests', {
    schema: { tags, summary: "A group's join requests (applications, tasks, payments awaiting confirmation)", security: Secured, params: IdParams, querystring: JoinRequestListQuerySchema, response: { 200: Page(JoinRequestSchema) } },
  }, async (req) => listJoinRequests(req.ctx(), req.params.id, req.query));
  app.post('/api/v1/join-requests/:id/approve', {
    schema: { tags, summary: 'Approve a join request: the applicant joins with the ritual (number, welcome)', security: Secured, params: IdParams, response: { 200: JoinRequestSchema } },
  }, async (req) => approveJoinRequest(req.ctx(), req.params.id));
  app.post('/api/v1/join-requests/:id/reject', {
    schema: { tags, summary: 'Reject a join request with a reason', security: Secured, params: IdParams, body: RejectSchema, response: { 200: JoinRequestSchema } },
  }, async (req) => rejectJoinRequest(req.ctx(), req.params.id, req.body.reason));
}
