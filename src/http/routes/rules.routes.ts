import { z } from 'zod';
import { RuleCreateSchema, RuleListQuerySchema, RuleSchema, RuleUpdateSchema, createRule, deleteRule, getRule, listRules, updateRule } from '../../modules/rules/index.ts';
import { IdParams, NoContent, Secured, type App } from './common.ts';

export function rulesRoutes(app: App) {
  const tags = ['群规 rules'];
  app.get('/api/v1/rules', {
    schema: { tags, summary: 'Rules of a group, group set or community (or all visible ones), each with a plain-language preview', security: Secured, querystring: RuleListQuerySchema, response: { 200: z.object({ items: z.array(RuleSchema) }) } },
  }, async (req) => ({ items: await listRules(req.ctx(), req.query) }));
  app.post('/api/v1/rules', {
    schema: { tags, summary: 'Set a rule on a group, group set or community (settings are checked against the rule type)', security: Secured, body: RuleCreateSchema, response: { 201: RuleSchema } },
  }, async (req, reply) => reply.code(201).send(await createRule(req.ctx(), req.body)));
  app.get('/api/v1/rules/:id', { schema: { tags, summary: 'Get a rule', security: Secured, params: IdParams, response: { 200: RuleSchema } } },
    async (req) => getRule(req.ctx(), req.params.id));
  app.patch('/api/v1/rules/:id', { schema: { tags, summary: "Change a rule's settings or switch it on or off", security: Secured, params: IdParams, body: RuleUpdateSchema, response: { 200: RuleSchema } } },
    async (req) => updateRule(req.ctx(), req.params.id, req.body));
  app.delete('/api/v1/rules/:id', { schema: { tags, summary: 'Delete a rule (the set, community or default applies again)', security: Secured, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await deleteRule(req.ctx(), req.params.id);
      return reply.code(204).send(null);
    });
}
