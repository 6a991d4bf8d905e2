// Tracked short links (评估: reach and clicks): made and read by operators; the public address `/l/<code>`
// counts a person's click and sends them on.
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Clock, IdGenerator } from '../../kernel/clock.ts';
import { Ctx, type Actor } from '../../kernel/context.ts';
import type { Db } from '../../kernel/db/connect.ts';
import { TenantDb } from '../../kernel/db/tenant.ts';
import { notFound } from '../../kernel/errors.ts';
import type { EventPublisher } from '../../kernel/events.ts';
import type { Logger } from '../../kernel/logger.ts';
import { CODE_PATTERN, LinkCreateSchema, LinkListQuerySchema, LinkSchema, LinkStatsSchema, createLink, isFetcher, linkStats, listLinks, recordClick } from '../../modules/links/index.ts';
import { absoluteUrl } from './builtin.routes.ts';
import { IdParams, Page, Secured, type App } from './common.ts';

const LINK_CLICK: Actor = { kind: 'system', id: null, name: '短链接 short link', role: 'operator', scope: null };

export function linksRoutes(app: App, deps: { db: Db; config: Config; clock: Clock; ids: IdGenerator; events?: EventPublisher | undefined }) {
  const tags = ['评估 stats'];
  const base = (req: Parameters<typeof absoluteUrl>[0]) => absoluteUrl(req, deps.config, '');

  app.post('/api/v1/links', {
    schema: { tags, summary: 'Make a tracked short link for something posted to the groups', security: Secured, body: LinkCreateSchema, response: { 201: LinkSchema } },
  }, async (req, reply) => reply.code(201).send(await createLink(req.ctx(), req.body, base(req))));

  app.get('/api/v1/links', {
    schema: { tags, summary: 'Short links, newest first, with their clicks', security: Secured, querystring: LinkListQuerySchema, response: { 200: Page(LinkSchema) } },
  }, async (req) => listLinks(req.ctx(), req.query, base(req)));

  app.get('/api/v1/links/:id', {
    schema: {
      tags, summary: 'A short link with its clicks by group, circle and day, the people behind them and how many came from outside its group',
      security: Secured, params: IdParams,
      querystring: z.object({ tzOffsetMinutes: z.coerce.number().int().min(-720).max(840).default(480) }).strict(),
      response: { 200: LinkStatsSchema },
    },
  }, async (req) => linkStats(req.ctx(), req.params.id, base(req), req.query.tzOffsetMinutes));

  app.get('/l/:code', {
    config: { public: true },
    schema: {
      tags, summary: 'A short link: a person\'s click is counted (not a chat app\'s preview), then they are sent on (302)',
      params: z.object({ code: z.string().max(64) }).strict(),
      // Chat apps and marketers add their own parameters (utm_…): kept out of the way, not refused.
      querystring: z.object({ g: z.string().max(64).optional() }),
      response: { 302: z.null().describe('Redirect to the link\'s address') },
    },
  }, async (req, reply) => {
    const code = req.params.code;
    const link = CODE_PATTERN.test(code) ? await deps.db.kysely.selectFrom('short_links').selectAll().where('code', '=', code).executeTakeFirst() : undefined;
    if (!link) throw notFound('link', code);
    if (req.method === 'GET' && !isFetcher(req.headers['user-agent'])) {
      const s = req.memberSession;
      const log = req.log.child({ workspaceId: link.workspace_id, link: link.id }) as unknown as Logger;
      const ctx = new Ctx(new TenantDb(deps.db.kysely, link.workspace_id, deps.db.sqlite), LINK_CLICK, deps.clock, deps.ids, log, deps.events);
      try {
        await recordClick(ctx, link, { memberId: s?.workspaceId === link.workspace_id ? s.memberId : null, groupId: req.query.g, referrer: req.headers.referer });
      } catch (err) {
        // The person still gets where they were going; a click not counted is logged.
        log.error({ err }, 'short link: the click could not be recorded');
      }
    }
    return reply.code(302).header('location', link.url).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').send(null);
  });
}
