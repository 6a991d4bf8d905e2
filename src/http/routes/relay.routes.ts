// Live relays (多群直播): sessions and their running, live delivery per group, the question queue, the
// archive and its replay in the member app, statistics, and the public recruitment page for group owners.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Clock, IdGenerator } from '../../kernel/clock.ts';
import { Ctx, type Actor } from '../../kernel/context.ts';
import type { Db } from '../../kernel/db/connect.ts';
import { TenantDb } from '../../kernel/db/tenant.ts';
import { ShequnError, notFound } from '../../kernel/errors.ts';
import type { EventPublisher } from '../../kernel/events.ts';
import type { Logger } from '../../kernel/logger.ts';
import {
  AnswerSchema, ApplicationCreateSchema, ApplicationDecisionSchema, ApplicationSchema, ArchiveEditSchema, DeliverySchema, LiveMessageSchema, LiveSessionCreateSchema,
  LiveSessionSchema, LiveSessionUpdateSchema, PublicSessionSchema, QuestionSchema, ReplaySchema, ReplaySummarySchema, StatsSchema,
  answerQuestion, apply, archive, commandSession, createSession, decideApplication, deleteSession, delivery, dismissQuestion, editArchive, getSession,
  listApplications, listQuestions, listSessions, memberReplay, memberReplays, publicSession, rebroadcast, sessionStats, updateSession,
} from '../../modules/relay/index.ts';
import { IdParams, NoContent, Secured, type App } from './common.ts';

const RECRUIT_PAGE: Actor = { kind: 'system', id: null, name: '群主招募页 recruitment page', role: 'operator', scope: null };
const MEMBER_APP: Actor = { kind: 'system', id: null, name: '成员端 member app', role: 'operator', scope: null };
const MemberAuth: { [scheme: string]: string[] }[] = [{ memberCookie: [] }];
const SubParams = z.object({ id: z.string().min(1).max(64), sub: z.string().min(1).max(64) }).strict();

export function relayRoutes(app: App, deps: { db: Db; config: Config; clock: Clock; ids: IdGenerator; events?: EventPublisher | undefined }) {
  const tags = ['直播 live relay'];

  async function publicCtx(req: FastifyRequest, id: string): Promise<Ctx> {
    const s = await deps.db.kysely.selectFrom('live_sessions').select('workspace_id').where('id', '=', id).executeTakeFirst();
    if (!s) throw notFound('live session', id);
    const log = req.log.child({ workspaceId: s.workspace_id, liveSession: id }) as unknown as Logger;
    return new Ctx(new TenantDb(deps.db.kysely, s.workspace_id, deps.db.sqlite), RECRUIT_PAGE, deps.clock, deps.ids, log, deps.events);
  }
  function member(req: FastifyRequest): { ctx: Ctx; me: string } {
    const s = req.memberSession;
    if (!s?.memberId) throw new ShequnError('auth.required', 'Join a group through an invite link first (no member session on this device)');
    const log = req.log.child({ workspaceId: s.workspaceId, memberId: s.memberId }) as unknown as Logger;
    return { ctx: new Ctx(new TenantDb(deps.db.kysely, s.workspaceId, deps.db.sqlite), MEMBER_APP, deps.clock, deps.ids, log, deps.events), me: s.memberId };
  }

  app.post('/api/v1/live-sessions', {
    schema: {
      tags, summary: 'Plan a live session: title, schedule, main group, host and speakers, target groups (listed, or by community, group set, kind, region); with ruleId, relay each session of a sharing rule', security: Secured,
      body: LiveSessionCreateSchema, response: { 201: LiveSessionSchema },
    },
  }, async (req, reply) => reply.code(201).send(await createSession(req.ctx(), req.body)));
  app.get('/api/v1/live-sessions', {
    schema: {
      tags, summary: 'Live sessions, newest first (a sharing relay\'s occurrences with seriesId)', security: Secured,
      querystring: z.object({
        communityId: z.string().max(64).optional(), status: z.enum(['scheduled', 'live', 'paused', 'ended']).optional(),
        ruleId: z.string().max(64).optional().describe('Sessions relaying this sharing rule: its series and their occurrences'),
        seriesId: z.string().max(64).optional().describe('The occurrences of a sharing relay, one per sharing session relayed'),
      }).strict(),
      response: { 200: z.object({ items: z.array(LiveSessionSchema) }) },
    },
  }, async (req) => ({ items: await listSessions(req.ctx(), req.query) }));
  app.get('/api/v1/live-sessions/:id', {
    schema: { tags, summary: 'A live session', security: Secured, params: IdParams, response: { 200: LiveSessionSchema } },
  }, async (req) => getSession(req.ctx(), req.params.id));
  app.patch('/api/v1/live-sessions/:id', {
    schema: { tags, summary: 'Change a session (its targets, speakers, schedule and sharing rule until it ends; its title and summary always)', security: Secured, params: IdParams, body: LiveSessionUpdateSchema, response: { 200: LiveSessionSchema } },
  }, async (req) => updateSession(req.ctx(), req.params.id, req.body));
  app.delete('/api/v1/live-sessions/:id', {
    schema: { tags, summary: 'Delete a session that has not started', security: Secured, params: IdParams, response: { 204: NoContent } },
  }, async (req, reply) => {
    await deleteSession(req.ctx(), req.params.id);
    return reply.code(204).send(null);
  });
  for (const command of ['start', 'pause', 'resume', 'stop'] as const) {
    app.post(`/api/v1/live-sessions/:id/${command}`, {
      schema: { tags, summary: `${command[0]!.toUpperCase()}${command.slice(1)} the session (the host can also say /${command} in the main group)`, security: Secured, params: IdParams, response: { 200: LiveSessionSchema } },
    }, async (req) => commandSession(req.ctx(), req.params.id, command));
  }
  app.get('/api/v1/live-sessions/:id/delivery', {
    schema: { tags, summary: 'Delivery per target group: delivered, queued, retrying, failed (with the reason), ambiguous, and the lag of the slowest group', security: Secured, params: IdParams, response: { 200: DeliverySchema } },
  }, async (req) => delivery(req.ctx(), req.params.id));
  app.get('/api/v1/live-sessions/:id/stats', {
    schema: { tags, summary: 'Groups and members reached, questions asked and answered, members’ messages per group during and after', security: Secured, params: IdParams, response: { 200: StatsSchema } },
  }, async (req) => sessionStats(req.ctx(), req.params.id));
  app.get('/api/v1/live-sessions/:id/questions', {
    schema: {
      tags, summary: 'The question queue from every group (repeats grouped under the first asker)', security: Secured, params: IdParams,
      querystring: z.object({ status: z.enum(['open', 'answered', 'dismissed']).optional() }).strict(), response: { 200: z.object({ items: z.array(QuestionSchema) }) },
    },
  }, async (req) => ({ items: await listQuestions(req.ctx(), req.params.id, req.query.status) }));
  app.post('/api/v1/live-sessions/:id/questions/:sub/answer', {
    schema: { tags, summary: 'Answer a question: the question and its answer go to every group', security: Secured, params: SubParams, body: AnswerSchema, response: { 200: QuestionSchema } },
  }, async (req) => answerQuestion(req.ctx(), req.params.id, req.params.sub, req.body));
  app.post('/api/v1/live-sessions/:id/questions/:sub/dismiss', {
    schema: { tags, summary: 'Leave a question unanswered', security: Secured, params: SubParams, response: { 200: QuestionSchema } },
  }, async (req) => dismissQuestion(req.ctx(), req.params.id, req.params.sub));
  app.get('/api/v1/live-sessions/:id/archive', {
    schema: { tags, summary: 'The session’s messages as relayed (hidden ones and corrections marked)', security: Secured, params: IdParams, response: { 200: z.object({ items: z.array(LiveMessageSchema) }) } },
  }, async (req) => ({ items: await archive(req.ctx(), req.params.id) }));
  app.patch('/api/v1/live-sessions/:id/archive', {
    schema: { tags, summary: 'Edit the archive: hide chatter, correct a message, write the summary', security: Secured, params: IdParams, body: ArchiveEditSchema, response: { 200: z.object({ items: z.array(LiveMessageSchema) }) } },
  }, async (req) => ({ items: await editArchive(req.ctx(), req.params.id, req.body) }));
  app.post('/api/v1/live-sessions/:id/rebroadcast', {
    schema: { tags, summary: 'Send the edited archive to the target groups again', security: Secured, params: IdParams, response: { 200: z.object({ messages: z.number(), groups: z.number() }) } },
  }, async (req) => rebroadcast(req.ctx(), req.params.id));
  app.get('/api/v1/live-sessions/:id/applications', {
    schema: {
      tags, summary: 'Group owners’ applications to bring their group in (群主招募)', security: Secured, params: IdParams,
      querystring: z.object({ status: z.enum(['pending', 'approved', 'rejected']).optional() }).strict(), response: { 200: z.object({ items: z.array(ApplicationSchema) }) },
    },
  }, async (req) => ({ items: await listApplications(req.ctx(), req.params.id, req.query.status) }));
  app.post('/api/v1/live-sessions/:id/applications/:sub/decide', {
    schema: { tags, summary: 'Approve (the group becomes a target) or reject an application', security: Secured, params: SubParams, body: ApplicationDecisionSchema, response: { 200: ApplicationSchema } },
  }, async (req) => decideApplication(req.ctx(), req.params.id, req.params.sub, req.body));

  // ---- public recruitment page ----
  app.get('/api/v1/public/live-sessions/:id', {
    config: { public: true },
    schema: { tags, summary: 'What a group owner sees of a session on the recruitment page (public)', params: IdParams, response: { 200: PublicSessionSchema } },
  }, async (req) => publicSession(await publicCtx(req, req.params.id), req.params.id));
  app.post('/api/v1/public/live-sessions/:id/applications', {
    config: {
      public: true,
      rateLimit: {
        max: deps.config.joinLimitPerWindow, timeWindow: deps.config.joinWindowMs, hook: 'preHandler', keyGenerator: (req) => `recruit|${req.ip}`,
        errorResponseBuilder: (_req, c) => ({ statusCode: 429, message: `Too many applications; try again in ${Math.ceil(c.ttl / 1000)} s` }),
      },
    },
    schema: { tags, summary: 'A group owner applies to bring their group into the session (public)', params: IdParams, body: ApplicationCreateSchema, response: { 201: ApplicationSchema } },
  }, async (req, reply) => reply.code(201).send(await apply(await publicCtx(req, req.params.id), req.params.id, req.body)));

  // ---- replays in the member app ----
  app.get('/api/v1/me/replays', {
    config: { member: true },
    schema: { tags, summary: 'Replays of the ended sessions of the member’s communities (member session)', security: MemberAuth, response: { 200: z.object({ items: z.array(ReplaySummarySchema) }) } },
  }, async (req) => {
    const { ctx, me } = member(req);
    return { items: await memberReplays(ctx, me) };
  });
  app.get('/api/v1/me/replays/:id', {
    config: { member: true },
    schema: { tags, summary: 'A replay: the session’s messages as the host edited them (member session)', security: MemberAuth, params: IdParams, response: { 200: ReplaySchema } },
  }, async (req) => {
    const { ctx, me } = member(req);
    return memberReplay(ctx, me, req.params.id);
  });
}
