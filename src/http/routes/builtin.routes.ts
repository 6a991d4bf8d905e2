// The built-in web community over HTTP: the member app's API under /api/v1/me (a member session, see
// auth.ts), the team's side of a group's chat (messages, announcement, reports, questions) and images.
import type { FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Clock, IdGenerator } from '../../kernel/clock.ts';
import { Ctx } from '../../kernel/context.ts';
import type { Db } from '../../kernel/db/connect.ts';
import { TenantDb } from '../../kernel/db/tenant.ts';
import { ShequnError } from '../../kernel/errors.ts';
import type { EventPublisher } from '../../kernel/events.ts';
import type { FileStore } from '../../kernel/files.ts';
import type { Logger } from '../../kernel/logger.ts';
import { ChatItemSchema } from '../../modules/activity/index.ts';
import {
  AnnouncementSchema, MEMBER_COOKIE, ChatGroupSchema, ChatPageQuerySchema, ChatPageSchema, ChatPostSchema, DirectoryEntrySchema, DirectoryOptSchema, FILE_MAX_BYTES, IMAGE_MAX_BYTES, MEMBER_APP, servedInline,
  MeSchema, NicknameSchema, ProfileUpdateSchema, QuestionListQuerySchema, QuestionSchema, ReportCreateSchema, ReportDecisionSchema, ReportListQuerySchema,
  ReportSchema, RosterEntrySchema, TeamPostSchema, UploadSchema, chatGroup, chatPage, decideReport, directory, endMemberSession, listReports, memberChatPage,
  memberHome, memberQuestions, memberUpload, leaveGroup, highlight, postAsTeam, postChat, readUpload, reportInGroup, roster, setAnnouncement, setInDirectory, setNickname,
  teamQuestions, teamUpload, updateProfile,
} from '../../modules/builtin/index.ts';
import { visibleGroupRow } from '../../modules/group/index.ts';
import { PointsSchema, TaskSchema, completeTask, memberTasks, pointsOf } from '../../modules/engagement/index.ts';
import { ReferralSchema, checkMayInvite, referralInvite } from '../../modules/joining/index.ts';
import { IdParams, NoContent, Secured, type App } from './common.ts';

const MemberAuth: { [scheme: string]: string[] }[] = [{ memberCookie: [] }];
const MessageParams = z.object({ id: z.string().min(1).max(64), messageId: z.string().min(1).max(64) }).strict();
const UploadQuery = z.object({ name: z.string().max(255).optional() }).strict();

/**
 * An absolute link for a QR code: a phone scanning it needs the host, not only the path. SHEQUN_PUBLIC_URL
 * names it behind a proxy; otherwise the request's own scheme and host.
 */
export function absoluteUrl(req: FastifyRequest, config: Pick<Config, 'publicUrl'>, path: string): string {
  return `${config.publicUrl ?? `${req.protocol}://${req.host}`}${path}`;
}

export async function qrFor(req: FastifyRequest, config: Pick<Config, 'publicUrl'>, path: string): Promise<string> {
  return QRCode.toDataURL(absoluteUrl(req, config, path), { errorCorrectionLevel: 'M', margin: 2, width: 320 });
}

export function builtinRoutes(app: App, deps: { db: Db; config: Config; clock: Clock; ids: IdGenerator; events?: EventPublisher | undefined; files: FileStore }) {
  const tags = ['自建社区 built-in community'];

  /** The member app's context and the member acting. */
  function member(req: FastifyRequest): { ctx: Ctx; me: string } {
    const s = req.memberSession;
    if (!s?.memberId) throw new ShequnError('auth.required', 'Join a group through an invite link first (no member session on this device)');
    const log = req.log.child({ workspaceId: s.workspaceId, memberId: s.memberId }) as unknown as Logger;
    return { ctx: new Ctx(new TenantDb(deps.db.kysely, s.workspaceId, deps.db.sqlite), MEMBER_APP, deps.clock, deps.ids, log, deps.events), me: s.memberId };
  }

  const GroupParams = IdParams;
  const memberRoute = { member: true };

  // ---- the member app ----
  app.get('/api/v1/me', {
    config: memberRoute,
    schema: { tags, summary: "The member's own page: profile and groups (member session)", security: MemberAuth, response: { 200: MeSchema } },
  }, async (req) => {
    const { ctx, me } = member(req);
    return { ...(await memberHome(ctx, me)), csrfToken: req.memberSession!.csrfToken };
  });
  app.patch('/api/v1/me', {
    config: memberRoute,
    schema: { tags, summary: 'Change the profile: name, city, occupation, skills', security: MemberAuth, body: ProfileUpdateSchema, response: { 200: MeSchema } },
  }, async (req) => {
    const { ctx, me } = member(req);
    return { ...(await updateProfile(ctx, me, req.body)), csrfToken: req.memberSession!.csrfToken };
  });
  app.post('/api/v1/me/sign-out', {
    config: memberRoute,
    schema: { tags, summary: 'End the member session on this device', security: MemberAuth, response: { 204: NoContent } },
  }, async (req, reply) => {
    const token = req.cookies[MEMBER_COOKIE];
    if (token) await endMemberSession(deps.db.kysely, deps.clock, token);
    return reply.clearCookie(MEMBER_COOKIE, { path: '/' }).code(204).send(null);
  });

  app.get('/api/v1/me/tasks', {
    config: memberRoute,
    schema: { tags, summary: "The member's tasks (e.g. a sharing session's summary), open ones first", security: MemberAuth, response: { 200: z.object({ items: z.array(TaskSchema) }) } },
  }, async (req) => {
    const { ctx, me } = member(req);
    return { items: await memberTasks(ctx, me) };
  });
  app.post('/api/v1/me/tasks/:id/done', {
    config: memberRoute,
    schema: { tags, summary: 'Mark one of my tasks done', security: MemberAuth, params: IdParams, response: { 200: TaskSchema } },
  }, async (req) => {
    const { ctx, me } = member(req);
    return completeTask(ctx, me, req.params.id);
  });
  app.get('/api/v1/me/points', {
    config: memberRoute,
    schema: { tags, summary: 'My points and badges', security: MemberAuth, response: { 200: PointsSchema } },
  }, async (req) => {
    const { ctx, me } = member(req);
    return pointsOf(ctx, me);
  });

  app.get('/api/v1/me/groups/:id', {
    config: memberRoute,
    schema: { tags, summary: 'A group as its member sees it: announcement, rules, own number and nickname, whether they may post now', security: MemberAuth, params: GroupParams, response: { 200: ChatGroupSchema } },
  }, async (req) => {
    const { ctx, me } = member(req);
    return chatGroup(ctx, me, req.params.id);
  });
  app.get('/api/v1/me/groups/:id/messages', {
    config: memberRoute,
    schema: { tags, summary: "A page of the group's chat, newest first (before: page back)", security: MemberAuth, params: GroupParams, querystring: ChatPageQuerySchema, response: { 200: ChatPageSchema } },
  }, async (req) => {
    const { ctx, me } = member(req);
    return memberChatPage(ctx, me, req.params.id, req.query);
  });
  app.post('/api/v1/me/groups/:id/messages', {
    config: memberRoute,
    schema: {
      tags, summary: 'Post in the group: text, an uploaded image or file, a reply, mentions, or a question. A retry with the same clientId posts nothing new',
      security: MemberAuth, params: GroupParams, body: ChatPostSchema, response: { 201: ChatItemSchema },
    },
  }, async (req, reply) => {
    const { ctx, me } = member(req);
    return reply.code(201).send(await postChat(ctx, me, req.params.id, req.body));
  });
  app.post('/api/v1/me/groups/:id/messages/:messageId/highlight', {
    config: memberRoute,
    schema: { tags, summary: 'Mark a message as good content (精华): the group’s managers only', security: MemberAuth, params: MessageParams, response: { 204: NoContent } },
  }, async (req, reply) => {
    const { ctx, me } = member(req);
    await highlight(ctx, req.params.id, req.params.messageId, { memberId: me });
    return reply.code(204).send(null);
  });
  app.put('/api/v1/me/groups/:id/nickname', {
    config: memberRoute,
    schema: { tags, summary: "Set the group nickname; it must fit the group's format (the error names the failing part)", security: MemberAuth, params: GroupParams, body: NicknameSchema, response: { 200: ChatGroupSchema } },
  }, async (req) => {
    const { ctx, me } = member(req);
    return setNickname(ctx, me, req.params.id, req.body.nickname);
  });
  app.post('/api/v1/me/groups/:id/leave', {
    config: memberRoute,
    schema: { tags, summary: 'Leave the group (退群); the member number is never given to anyone else', security: MemberAuth, params: GroupParams, response: { 204: NoContent } },
  }, async (req, reply) => {
    const { ctx, me } = member(req);
    await leaveGroup(ctx, me, req.params.id);
    return reply.code(204).send(null);
  });
  app.put('/api/v1/me/groups/:id/directory', {
    config: memberRoute,
    schema: { tags, summary: "Opt in to (or out of) the group's member directory", security: MemberAuth, params: GroupParams, body: DirectoryOptSchema, response: { 200: ChatGroupSchema } },
  }, async (req) => {
    const { ctx, me } = member(req);
    return setInDirectory(ctx, me, req.params.id, req.body.inDirectory);
  });
  app.get('/api/v1/me/groups/:id/members', {
    config: memberRoute,
    schema: { tags, summary: "The group's members with numbers and roles (its members only)", security: MemberAuth, params: GroupParams, response: { 200: z.object({ items: z.array(RosterEntrySchema) }) } },
  }, async (req) => {
    const { ctx, me } = member(req);
    return { items: await roster(ctx, me, req.params.id) };
  });
  app.get('/api/v1/me/groups/:id/directory', {
    config: memberRoute,
    schema: { tags, summary: 'Who does what in the group, among members who opted in', security: MemberAuth, params: GroupParams, response: { 200: z.object({ items: z.array(DirectoryEntrySchema) }) } },
  }, async (req) => {
    const { ctx, me } = member(req);
    return { items: await directory(ctx, me, req.params.id) };
  });
  app.post('/api/v1/me/groups/:id/reports', {
    config: memberRoute,
    schema: { tags, summary: "Report (举报) a message or a member to the group's managers; reporting the same thing again changes nothing", security: MemberAuth, params: GroupParams, body: ReportCreateSchema, response: { 201: ReportSchema } },
  }, async (req, reply) => {
    const { ctx, me } = member(req);
    return reply.code(201).send(await reportInGroup(ctx, me, req.params.id, req.body));
  });
  app.get('/api/v1/me/groups/:id/questions', {
    config: memberRoute,
    schema: { tags, summary: "The group's questions, open ones until answered", security: MemberAuth, params: GroupParams, querystring: QuestionListQuerySchema, response: { 200: z.object({ items: z.array(QuestionSchema) }) } },
  }, async (req) => {
    const { ctx, me } = member(req);
    return { items: await memberQuestions(ctx, me, req.params.id, req.query.status) };
  });
  app.get('/api/v1/me/groups/:id/poster', {
    config: memberRoute,
    schema: { tags, summary: "The member's share poster: the group's invite with their referral code, as a link and a QR code", security: MemberAuth, params: GroupParams, response: { 200: ReferralSchema } },
  }, async (req) => {
    const { ctx, me } = member(req);
    await chatGroup(ctx, me, req.params.id);
    await checkMayInvite(ctx, me, req.params.id);
    const invite = await referralInvite(ctx, me, req.params.id);
    return { invite, path: invite.path, qrDataUrl: await qrFor(req, deps.config, invite.path) };
  });

  // ---- uploads: raw bytes in, type decided by content ----
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: FILE_MAX_BYTES }, (_req, body, done) => done(null, body));
    const uploadSchema = (summary: string, security: typeof Secured) => ({
      tags, summary, security, params: GroupParams, querystring: UploadQuery, response: { 201: UploadSchema },
      description: `The file's bytes as the body (any Content-Type: its type is read from the bytes, never from the name or the header). `
        + `An image (PNG, JPEG, GIF or WebP, at most ${IMAGE_MAX_BYTES / 1024 / 1024} MB) is posted as imageId; any other file (a document, a voice (Ogg/Opus), `
        + `an audio, a video), at most ${FILE_MAX_BYTES / 1024 / 1024} MB, as fileId. name: the original file name.`,
    });
    const bytesOf = (req: FastifyRequest) => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
    scope.post('/api/v1/me/groups/:id/uploads', { config: memberRoute, schema: uploadSchema('Upload an image or a file to post in the group (member session)', MemberAuth) }, async (req, reply) => {
      const { ctx, me } = member(req);
      const { id } = req.params as { id: string };
      const { name } = req.query as { name?: string };
      return reply.code(201).send(await memberUpload(ctx, deps.files, me, id, bytesOf(req), name));
    });
    scope.post('/api/v1/groups/:id/uploads', { schema: uploadSchema('Upload an image or a file for the team to post in the group', Secured) }, async (req, reply) => {
      const { id } = req.params as { id: string };
      const { name } = req.query as { name?: string };
      return reply.code(201).send(await teamUpload(req.ctx(), deps.files, id, bytesOf(req), name));
    });
  });

  app.get('/api/v1/uploads/:id', {
    config: { public: true },
    schema: {
      tags, summary: "An uploaded image or file, for the group's members (member session) and its operators", params: IdParams,
      description: 'Served under the type read from its bytes when it was uploaded; only images, audio and video are inline, everything else is an attachment.',
    },
  }, async (req, reply) => {
    const viewer = req.principal ? { ctx: req.ctx(), who: { operator: true as const } } : (() => {
      const m = member(req);
      return { ctx: m.ctx, who: { memberId: m.me } };
    })();
    const { upload, bytes } = await readUpload(viewer.ctx, deps.files, req.params.id, viewer.who);
    return reply
      .type(upload.mime)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      // A document is never opened by the browser as a page, whatever it contains: only downloaded.
      .header('content-disposition', `${servedInline(upload.mime) ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(upload.name)}`)
      .header('cache-control', 'private, max-age=86400, immutable')
      .send(bytes);
  });

  // ---- the team's side ----
  app.get('/api/v1/groups/:id/chat', {
    schema: { tags, summary: "A page of the group's chat as members see it, newest first", security: Secured, params: GroupParams, querystring: ChatPageQuerySchema, response: { 200: ChatPageSchema } },
  }, async (req) => {
    const ctx = req.ctx();
    ctx.authorize('activity.read');
    await visibleGroupRow(ctx, req.params.id);
    return chatPage(ctx, req.params.id, req.query);
  });
  app.post('/api/v1/groups/:id/messages', {
    schema: { tags, summary: 'Post in the group as the team (official content); a retry with the same clientId posts nothing new', security: Secured, params: GroupParams, body: TeamPostSchema, response: { 201: ChatItemSchema } },
  }, async (req, reply) => reply.code(201).send(await postAsTeam(req.ctx(), req.params.id, req.body)));
  app.post('/api/v1/groups/:id/messages/:messageId/highlight', {
    schema: { tags, summary: 'Mark a message as good content (精华); its author earns points', security: Secured, params: MessageParams, response: { 204: NoContent } },
  }, async (req, reply) => {
    await highlight(req.ctx(), req.params.id, req.params.messageId, { team: true });
    return reply.code(204).send(null);
  });
  app.put('/api/v1/groups/:id/announcement', {
    schema: {
      tags, summary: "Pin the group's announcement (null clears it)", security: Secured, params: GroupParams, body: AnnouncementSchema,
      response: { 200: z.object({ announcement: z.object({ text: z.string(), at: z.string() }).nullable() }) },
    },
  }, async (req) => ({ announcement: await setAnnouncement(req.ctx(), req.params.id, req.body.text) }));
  app.get('/api/v1/groups/:id/reports', {
    schema: { tags, summary: "Reports (举报) in the group, newest first", security: Secured, params: GroupParams, querystring: ReportListQuerySchema, response: { 200: z.object({ items: z.array(ReportSchema) }) } },
  }, async (req) => ({ items: await listReports(req.ctx(), req.params.id, req.query.status) }));
  app.post('/api/v1/reports/:id/decide', {
    schema: { tags, summary: 'Decide a report: dismiss it, or confirm it (optionally muting the reported member)', security: Secured, params: IdParams, body: ReportDecisionSchema, response: { 200: ReportSchema } },
  }, async (req) => decideReport(req.ctx(), req.params.id, req.body));
  app.get('/api/v1/groups/:id/questions', {
    schema: { tags, summary: "The group's questions (open until an expert, a manager or the team answers)", security: Secured, params: GroupParams, querystring: QuestionListQuerySchema, response: { 200: z.object({ items: z.array(QuestionSchema) }) } },
  }, async (req) => ({ items: await teamQuestions(req.ctx(), req.params.id, req.query.status) }));
}
