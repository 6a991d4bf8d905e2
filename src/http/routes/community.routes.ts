import { z } from 'zod';
import {
  CommunityCreateSchema, CommunitySchema, CommunityUpdateSchema, PhaseCreateSchema, PhaseSchema, PhaseUpdateSchema,
  CommunityTemplateSchema, communityTemplates, templateCanvas, createCommunity, createPhase, deleteCommunity, deletePhase, getCommunity, getPhase, listAllPhases, listCommunities, listPhases, updateCommunity, updatePhase,
} from '../../modules/community/index.ts';
import type { Config } from '../../config.ts';
import { IdParams, NoContent, Secured, type App } from './common.ts';

/** Today's date on the workspace's clock (YYYY-MM-DD in the configured zone). */
const localToday = (now: number, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);

export function communityRoutes(app: App, deps: { config: Pick<Config, 'timezone'> }) {
  const tags = ['定位 community'];
  app.get('/api/v1/community-templates', {
    schema: {
      tags, summary: 'Templates to position a new community from (tea brand, baijiu, paid course, city meetup): a filled canvas whose lifecycle starts today',
      security: Secured, response: { 200: z.object({ items: z.array(CommunityTemplateSchema) }) },
    },
  }, async (req) => {
    const ctx = req.ctx();
    ctx.authorize('community.read');
    const today = localToday(ctx.clock.now(), deps.config.timezone);
    return {
      items: communityTemplates.map((t) => ({
        key: t.key, name: t.name[0], nameEn: t.name[1], description: t.description[0], descriptionEn: t.description[1], purpose: t.purpose, canvas: templateCanvas(t, today),
      })),
    };
  });
  app.get('/api/v1/communities', { schema: { tags, summary: 'List communities', security: Secured, response: { 200: z.object({ items: z.array(CommunitySchema) }) } } },
    async (req) => ({ items: await listCommunities(req.ctx()) }));
  app.post('/api/v1/communities', { schema: { tags, summary: 'Create a community with its canvas', security: Secured, body: CommunityCreateSchema, response: { 201: CommunitySchema } } },
    async (req, reply) => reply.code(201).send(await createCommunity(req.ctx(), req.body)));
  app.get('/api/v1/communities/:id', { schema: { tags, summary: 'Get a community', security: Secured, params: IdParams, response: { 200: CommunitySchema } } },
    async (req) => getCommunity(req.ctx(), req.params.id));
  app.patch('/api/v1/communities/:id', { schema: { tags, summary: 'Change a community or its canvas', security: Secured, params: IdParams, body: CommunityUpdateSchema, response: { 200: CommunitySchema } } },
    async (req) => updateCommunity(req.ctx(), req.params.id, req.body));
  app.delete('/api/v1/communities/:id', { schema: { tags, summary: 'Delete a community without groups', security: Secured, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await deleteCommunity(req.ctx(), req.params.id);
      return reply.code(204).send(null);
    });

  app.get('/api/v1/communities/:id/phases', { schema: { tags, summary: "List a community's phases", security: Secured, params: IdParams, response: { 200: z.object({ items: z.array(PhaseSchema) }) } } },
    async (req) => ({ items: await listPhases(req.ctx(), req.params.id) }));
  app.post('/api/v1/communities/:id/phases', { schema: { tags, summary: 'Add a phase (阶段)', security: Secured, params: IdParams, body: PhaseCreateSchema, response: { 201: PhaseSchema } } },
    async (req, reply) => reply.code(201).send(await createPhase(req.ctx(), req.params.id, req.body)));
  app.get('/api/v1/phases', { schema: { tags, summary: 'Every phase of the communities the actor sees, by start', security: Secured, response: { 200: z.object({ items: z.array(PhaseSchema) }) } } },
    async (req) => ({ items: await listAllPhases(req.ctx()) }));
  app.get('/api/v1/phases/:id', { schema: { tags, summary: 'Get a phase', security: Secured, params: IdParams, response: { 200: PhaseSchema } } },
    async (req) => getPhase(req.ctx(), req.params.id));
  app.patch('/api/v1/phases/:id', { schema: { tags, summary: 'Change a phase', security: Secured, params: IdParams, body: PhaseUpdateSchema, response: { 200: PhaseSchema } } },
    async (req) => updatePhase(req.ctx(), req.params.id, req.body));
  app.delete('/api/v1/phases/:id', { schema: { tags, summary: 'Delete a phase', security: Secured, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await deletePhase(req.ctx(), req.params.id);
      return reply.code(204).send(null);
    });
}
