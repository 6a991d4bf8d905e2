// Who is who: merge suggestions with their evidence, merging and splitting members, rejections, and the
// duplicates report of a community (seats vs real people, overlap between groups).
import { z } from 'zod';
import { duplicatesReport, listMerges, mergeMembers, mergeSuggestions, rejectSuggestion, splitMerge } from '../../modules/identity/index.ts';
import { IdParams, NoContent, Secured, type App } from './common.ts';

const Evidence = z.object({ kind: z.enum(['phone', 'email', 'name', 'city', 'groups', 'platforms']), detail: z.string() });
const Brief = z.object({ id: z.string(), displayName: z.string(), city: z.string().nullable(), platforms: z.array(z.string()), groups: z.number() });
const Suggestion = z.object({ a: Brief, b: Brief, confidence: z.number(), evidence: z.array(Evidence) });
const Merge = z.object({
  id: z.string(), keptId: z.string(), mergedId: z.string(), mergedName: z.string(), evidence: z.array(Evidence), mergedBy: z.string(), mergedAt: z.string(), splitAt: z.string().nullable(),
});
const Pair = z.tuple([z.string().min(1).max(64), z.string().min(1).max(64)]);

export function identityRoutes(app: App) {
  const tags = ['成员 members'];
  app.get('/api/v1/merge-suggestions', {
    schema: {
      tags, summary: 'Members who may be one person (same phone or e-mail, the same name in the same city or groups, across platforms), strongest first', security: Secured,
      querystring: z.object({ communityId: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) }).strict(),
      response: { 200: z.object({ items: z.array(Suggestion) }) },
    },
  }, async (req) => ({ items: await mergeSuggestions(req.ctx(), req.query) }));
  app.post('/api/v1/merge-suggestions/reject', {
    schema: { tags, summary: 'Not one person: the pair is not suggested again', security: Secured, body: z.object({ memberIds: Pair }).strict(), response: { 204: NoContent } },
  }, async (req, reply) => {
    await rejectSuggestion(req.ctx(), req.body.memberIds);
    return reply.code(204).send(null);
  });
  app.post('/api/v1/members/:id/merge', {
    schema: {
      tags, summary: 'Merge another member into this one (identities, groups, history, points move over; undo with split)', security: Secured, params: IdParams,
      body: z.object({ mergeId: z.string().min(1).max(64), evidence: z.array(Evidence).max(20).optional() }).strict(), response: { 201: Merge },
    },
  }, async (req, reply) => reply.code(201).send(await mergeMembers(req.ctx(), req.params.id, req.body.mergeId, req.body.evidence ?? [])));
  app.get('/api/v1/member-merges', {
    schema: { tags, summary: 'Merges, newest first (of one kept member with memberId)', security: Secured, querystring: z.object({ memberId: z.string().max(64).optional() }).strict(), response: { 200: z.object({ items: z.array(Merge) }) } },
  }, async (req) => ({ items: await listMerges(req.ctx(), req.query.memberId) }));
  app.post('/api/v1/member-merges/:id/split', {
    schema: { tags, summary: 'Undo a merge: the merged member comes back with what was theirs', security: Secured, params: IdParams, response: { 200: Merge } },
  }, async (req) => splitMerge(req.ctx(), req.params.id));
  app.get('/api/v1/communities/:id/duplicates', {
    schema: {
      tags: ['社群 communities'], summary: 'Seats vs real people in the community, and the overlap between its groups', security: Secured, params: IdParams,
      response: { 200: z.object({
        seats: z.number(), people: z.number(), inSeveral: z.number(),
        groups: z.array(z.object({ id: z.string(), name: z.string(), platform: z.string(), seats: z.number() })),
        overlap: z.array(z.object({ a: z.string(), b: z.string(), shared: z.number() })),
      }) },
    },
  }, async (req) => duplicatesReport(req.ctx(), req.params.id));
}
