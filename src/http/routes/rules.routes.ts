import { z } from 'zod';
import { invalid } from '../../kernel/errors.ts';
import { visibleGroupRow } from '../../modules/group/index.ts';
import { listActions, outboxActions, undoAction } from '../../modules/outbox/index.ts';
import {
  RuleCreateSchema, RuleListQuerySchema, RuleTemplateSchema, applyRuleTemplate, ruleTargetTypes, ruleTemplates, RuleSchema, RuleUpdateSchema, createRule, deleteRule, dryRun, getRule, listRules, moderationSteps,
  parseSettings, updateRule,
} from '../../modules/rules/index.ts';
import { IdParams, NoContent, Secured, type App } from './common.ts';

const ActionSchema = z.object({
  id: z.string(),
  action: z.enum(outboxActions),
  platform: z.string(),
  groupId: z.string().nullable(),
  memberId: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
  originType: z.string(),
  originId: z.string().nullable(),
  reason: z.string().nullable(),
  causeActivityId: z.string().nullable(),
  status: z.enum(['pending', 'sending', 'done', 'failed', 'undone']),
  attempts: z.number(),
  /** Sends whose outcome was unknown (a timeout, a worker stopped mid-call) and that were tried again. */
  ambiguous: z.number(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  doneAt: z.string().nullable(),
  undoneAt: z.string().nullable(),
  undoneBy: z.string().nullable(),
});

const ActionListQuery = z
  .object({
    groupId: z.string().min(1).max(64).optional(),
    memberId: z.string().min(1).max(64).optional(),
    originType: z.enum(['rule', 'operator', 'undo', 'relay', 'integration']).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

const DryRunSchema = z
  .object({
    groupId: z.string().min(1).max(64),
    days: z.number().int().min(1).max(90).default(7),
    /** A moderation rule's settings to try; the group's effective rule when absent. */
    settings: z.record(z.string().max(100), z.unknown()).optional(),
  })
  .strict();

const JudgementSchema = z.object({
  activityId: z.string(), memberId: z.string(), groupId: z.string(), at: z.string(), text: z.string(), reason: z.string(), step: z.enum(moderationSteps), ruleId: z.string().nullable(),
});

export function rulesRoutes(app: App) {
  const tags = ['群规 rules'];
  app.get('/api/v1/rule-templates', {
    schema: { tags, summary: 'Rule templates (群规模板): ready-made rule sets for a student group, a core group, an acquisition group', security: Secured, response: { 200: z.object({ items: z.array(RuleTemplateSchema) }) } },
  }, async (req) => {
    req.ctx().authorize('group.read');
    return { items: ruleTemplates.map((t) => ({ ...t, rules: t.rules.map((r) => ({ ...r })) })) };
  });
  app.post('/api/v1/rules/from-template', {
    schema: {
      tags, summary: "Copy a rule template's rules onto a group, group set or community (types it already has are skipped)", security: Secured,
      body: z.object({ template: z.string().min(1).max(64), targetType: z.enum(ruleTargetTypes), targetId: z.string().min(1).max(64) }).strict(),
      response: { 200: z.object({ created: z.array(z.string()), skipped: z.array(z.string()) }) },
    },
  }, async (req) => applyRuleTemplate(req.ctx(), req.body.template, req.body));
  app.get('/api/v1/rule-actions', {
    schema: { tags, summary: "What the rules did (and the team's undos): each action with its rule, reason and the message behind it, newest first", security: Secured, querystring: ActionListQuery, response: { 200: z.object({ items: z.array(ActionSchema) }) } },
  }, async (req) => ({ items: await listActions(req.ctx(), req.query) }));
  app.post('/api/v1/rule-actions/:id/undo', {
    schema: { tags, summary: 'Undo an action: unmute, bring back into the group, lift the blacklist; an undone warning no longer counts toward the next step', security: Secured, params: IdParams, response: { 200: ActionSchema } },
  }, async (req) => undoAction(req.ctx(), req.params.id));
  app.post('/api/v1/rules/dry-run', {
    schema: {
      tags, summary: "Dry run: replay a group's last days of messages through its moderation rule (or the settings given) and list who would have been warned, muted, removed or blacklisted",
      security: Secured, body: DryRunSchema, response: { 200: z.object({ items: z.array(JudgementSchema), members: z.number() }) },
    },
  }, async (req) => {
    const ctx = req.ctx();
    ctx.authorize('group.read');
    await visibleGroupRow(ctx, req.body.groupId);
    let settings = null;
    if (req.body.settings) {
      const p = parseSettings('communication.moderation', req.body.settings);
      if (!p.ok) throw invalid(p.errors.map((e) => ({ field: e.path ? `settings.${e.path}` : 'settings', reason: e.reason })));
      settings = p.value;
    }
    const items = await dryRun(ctx, req.body.groupId, req.body.days, settings);
    return { items, members: new Set(items.map((i) => i.memberId)).size };
  });
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
