import { z } from 'zod';
import {
  GroupCloneSchema, GroupCreateSchema, GroupListQuerySchema, GroupSchema, GroupSetCreateSchema, GroupSetRenameSchema, GroupSetSchema, GroupSetUpdateSchema,
  GroupUpdateSchema, RenamePreviewSchema, cloneGroup, createGroup, createGroupSet, renameGroupSet, deleteGroup, deleteGroupSet, getGroup, getGroupSet, listGroupSets, listGroups, updateGroup, updateGroupSet,
} from '../../modules/group/index.ts';
import { MembershipSchema, listGroupMembers } from '../../modules/member/index.ts';
import { IdParams, NoContent, Page, Secured, type App } from './common.ts';

export function groupRoutes(app: App) {
  const tags = ['建群 groups'];
  app.get('/api/v1/groups', { schema: { tags, summary: 'List groups', security: Secured, querystring: GroupListQuerySchema, response: { 200: Page(GroupSchema) } } },
    async (req) => listGroups(req.ctx(), req.query));
  app.post('/api/v1/groups', { schema: { tags, summary: 'Create a group', security: Secured, body: GroupCreateSchema, response: { 201: GroupSchema } } },
    async (req, reply) => reply.code(201).send(await createGroup(req.ctx(), req.body)));
  app.get('/api/v1/groups/:id', { schema: { tags, summary: 'Get a group', security: Secured, params: IdParams, response: { 200: GroupSchema } } },
    async (req) => getGroup(req.ctx(), req.params.id));
  app.patch('/api/v1/groups/:id', { schema: { tags, summary: 'Change a group', security: Secured, params: IdParams, body: GroupUpdateSchema, response: { 200: GroupSchema } } },
    async (req) => updateGroup(req.ctx(), req.params.id, req.body));
  app.delete('/api/v1/groups/:id', { schema: { tags, summary: 'Delete an empty group', security: Secured, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await deleteGroup(req.ctx(), req.params.id);
      return reply.code(204).send(null);
    });
  app.post('/api/v1/groups/:id/clone', {
    schema: {
      tags, summary: 'Clone a group from this one as a template (复制): its settings, its own rules (entry, ritual, …) and its announcement',
      security: Secured, params: IdParams, body: GroupCloneSchema, response: { 201: z.object({ group: GroupSchema, rulesCopied: z.number() }) },
    },
  }, async (req, reply) => reply.code(201).send(await cloneGroup(req.ctx(), req.params.id, req.body)));
  app.get('/api/v1/groups/:id/memberships', {
    schema: {
      tags, summary: 'Members of a group with their numbers and roles', security: Secured, params: IdParams,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), cursor: z.string().max(200).optional(), includeLeft: z.stringbool().optional() }).strict(),
      response: { 200: Page(MembershipSchema.extend({ displayName: z.string() })) },
    },
  }, async (req) => listGroupMembers(req.ctx(), req.params.id, req.query));

  app.get('/api/v1/group-sets', { schema: { tags, summary: 'List group sets', security: Secured, response: { 200: z.object({ items: z.array(GroupSetSchema) }) } } },
    async (req) => ({ items: await listGroupSets(req.ctx()) }));
  app.post('/api/v1/group-sets', { schema: { tags, summary: 'Create a group set', security: Secured, body: GroupSetCreateSchema, response: { 201: GroupSetSchema } } },
    async (req, reply) => reply.code(201).send(await createGroupSet(req.ctx(), req.body)));
  app.get('/api/v1/group-sets/:id', { schema: { tags, summary: 'Get a group set', security: Secured, params: IdParams, response: { 200: GroupSetSchema } } },
    async (req) => getGroupSet(req.ctx(), req.params.id));
  app.patch('/api/v1/group-sets/:id', { schema: { tags, summary: 'Change a group set', security: Secured, params: IdParams, body: GroupSetUpdateSchema, response: { 200: GroupSetSchema } } },
    async (req) => updateGroupSet(req.ctx(), req.params.id, req.body));
  app.post('/api/v1/group-sets/:id/rename', {
    schema: {
      tags, summary: "Rename the set's groups by a naming pattern, e.g. {brand}{city}{n}群 ({n}, {nn}, {set}, {region} built in); apply: false previews",
      security: Secured, params: IdParams, body: GroupSetRenameSchema, response: { 200: z.object({ items: z.array(RenamePreviewSchema), applied: z.boolean() }) },
    },
  }, async (req) => renameGroupSet(req.ctx(), req.params.id, req.body));
  app.delete('/api/v1/group-sets/:id', { schema: { tags, summary: 'Delete a group set (its groups stay)', security: Secured, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await deleteGroupSet(req.ctx(), req.params.id);
      return reply.code(204).send(null);
    });
}
