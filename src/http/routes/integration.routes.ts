// The integration wizard (整合): plans over a community's old groups, their live preview, carrying one out,
// tracking who has moved, and archiving the old groups afterwards.
import { z } from 'zod';
import type { Config } from '../../config.ts';
import {
  MoveListQuerySchema, MoveSchema, PlanCreateSchema, PlanSchema, PlanSummarySchema, PlanUpdateSchema, archiveOldGroups, carryOutPlan,
  createPlan, deletePlan, getPlan, listMoves, listPlans, updatePlan,
} from '../../modules/integration/index.ts';
import { absoluteUrl } from './builtin.routes.ts';
import { IdParams, NoContent, Secured, type App } from './common.ts';

export function integrationRoutes(app: App, deps: { config: Pick<Config, 'publicUrl'> }) {
  const tags = ['建群 groups'];
  app.post('/api/v1/integration-plans', {
    schema: {
      tags, summary: 'Start an integration plan (整合) over a community’s groups: each is classified and given a suggested decision', security: Secured,
      body: PlanCreateSchema, response: { 201: PlanSchema },
    },
  }, async (req, reply) => reply.code(201).send(await createPlan(req.ctx(), req.body)));
  app.get('/api/v1/integration-plans', {
    schema: {
      tags, summary: 'Integration plans, newest first', security: Secured,
      querystring: z.object({ communityId: z.string().max(64).optional() }).strict(), response: { 200: z.object({ items: z.array(PlanSummarySchema) }) },
    },
  }, async (req) => ({ items: await listPlans(req.ctx(), req.query.communityId) }));
  app.get('/api/v1/integration-plans/:id', {
    schema: { tags, summary: 'A plan with its preview (new groups, seats and people before and after) or, once carried out, who has moved', security: Secured, params: IdParams, response: { 200: PlanSchema } },
  }, async (req) => getPlan(req.ctx(), req.params.id));
  app.patch('/api/v1/integration-plans/:id', {
    schema: { tags, summary: 'Change a draft plan: groups’ classification and decisions, the new set’s settings', security: Secured, params: IdParams, body: PlanUpdateSchema, response: { 200: PlanSchema } },
  }, async (req) => updatePlan(req.ctx(), req.params.id, req.body));
  app.delete('/api/v1/integration-plans/:id', {
    schema: { tags, summary: 'Delete a draft plan (a carried-out plan is kept as the record of the move)', security: Secured, params: IdParams, response: { 204: NoContent } },
  }, async (req, reply) => {
    await deletePlan(req.ctx(), req.params.id);
    return reply.code(204).send(null);
  });
  app.post('/api/v1/integration-plans/:id/carry-out', {
    schema: {
      tags, summary: 'Carry the plan out once: the new set and groups with invites, move notices in the merged groups, the moves to track', security: Secured,
      params: IdParams, response: { 200: PlanSchema },
    },
  }, async (req) => carryOutPlan(req.ctx(), req.params.id, absoluteUrl(req, deps.config, '')));
  app.get('/api/v1/integration-plans/:id/moves', {
    schema: {
      tags, summary: 'The members a carried-out plan moves: who has taken their seat in the new group and who has not yet', security: Secured,
      params: IdParams, querystring: MoveListQuerySchema, response: { 200: z.object({ items: z.array(MoveSchema), total: z.number() }) },
    },
  }, async (req) => listMoves(req.ctx(), req.params.id, req.query));
  app.post('/api/v1/integration-plans/:id/archive-old-groups', {
    schema: { tags, summary: 'Archive the plan’s merged and retired groups once the move is over', security: Secured, params: IdParams, response: { 200: PlanSchema } },
  }, async (req) => archiveOldGroups(req.ctx(), req.params.id));
}
