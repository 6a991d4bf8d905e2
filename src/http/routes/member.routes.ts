import { z } from 'zod';
import {
  ExportRequestSchema, IdentityInputSchema, MemberCreateSchema, MemberDetailSchema, MemberSchema, MemberSearchSchema, MemberUpdateSchema,
  MembershipInputSchema, MembershipSchema, MembershipUpdateSchema,
  addIdentity, createMember, deleteMember, exportMembers, getMember, joinGroup, removeIdentity, searchMembers, updateMember, updateMembership,
} from '../../modules/member/index.ts';
import { IdParams, NoContent, Page, Secured, type App } from './common.ts';

export function memberRoutes(app: App) {
  const tags = ['members'];
  app.get('/api/v1/members', {
    schema: {
      tags, security: Secured, querystring: MemberSearchSchema, response: { 200: Page(MemberSchema) },
      summary: 'Search and filter members (text: name, handle, phone, e-mail; tag, city, circle, stage, group, joined range), newest first, by cursor',
    },
  }, async (req) => searchMembers(req.ctx(), req.query));
  app.post('/api/v1/members', { schema: { tags, summary: 'Create a member, optionally with identities and memberships', security: Secured, body: MemberCreateSchema, response: { 201: MemberDetailSchema } } },
    async (req, reply) => reply.code(201).send(await createMember(req.ctx(), req.body)));
  app.post('/api/v1/members/export', {
    schema: {
      tags, summary: 'Export members to CSV or XLSX (needs a reason; audited; watermarked)', security: Secured, body: ExportRequestSchema,
      response: { 200: z.any().describe('the file') },
    },
  }, async (req, reply) => {
    const file = await exportMembers(req.ctx(), req.body);
    return reply
      .header('content-type', file.contentType)
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .header('x-export-rows', String(file.rows))
      .serializer((b: unknown) => b as string)
      .send(file.body);
  });
  app.get('/api/v1/members/:id', { schema: { tags, summary: 'A member with identities and memberships', security: Secured, params: IdParams, response: { 200: MemberDetailSchema } } },
    async (req) => getMember(req.ctx(), req.params.id));
  app.patch('/api/v1/members/:id', { schema: { tags, summary: 'Change a member', security: Secured, params: IdParams, body: MemberUpdateSchema, response: { 200: MemberDetailSchema } } },
    async (req) => updateMember(req.ctx(), req.params.id, req.body));
  app.delete('/api/v1/members/:id', { schema: { tags, summary: 'Delete a member (activities stay, detached)', security: Secured, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await deleteMember(req.ctx(), req.params.id);
      return reply.code(204).send(null);
    });
  app.post('/api/v1/members/:id/identities', { schema: { tags, summary: 'Link a platform account to the member', security: Secured, params: IdParams, body: IdentityInputSchema, response: { 201: MemberDetailSchema } } },
    async (req, reply) => reply.code(201).send(await addIdentity(req.ctx(), req.params.id, req.body)));
  app.delete('/api/v1/identities/:id', { schema: { tags, summary: 'Unlink a platform account', security: Secured, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await removeIdentity(req.ctx(), req.params.id);
      return reply.code(204).send(null);
    });
  app.post('/api/v1/members/:id/memberships', { schema: { tags, summary: 'Add the member to a group (assigns the member number)', security: Secured, params: IdParams, body: MembershipInputSchema, response: { 201: MembershipSchema } } },
    async (req, reply) => reply.code(201).send(await joinGroup(req.ctx(), req.params.id, req.body)));
  app.patch('/api/v1/memberships/:id', { schema: { tags, summary: 'Change a membership: role, nickname, mute, leave', security: Secured, params: IdParams, body: MembershipUpdateSchema, response: { 200: MembershipSchema } } },
    async (req) => updateMembership(req.ctx(), req.params.id, req.body));
}
