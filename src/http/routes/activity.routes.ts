import { z } from 'zod';
import { ActivityBatchSchema, ActivityInputSchema, ActivityListQuerySchema, ActivitySchema, getActivity, listActivities, writeActivities } from '../../modules/activity/index.ts';
import { IdParams, Page, Secured, type App } from './common.ts';

const WriteResult = z.object({ activity: ActivitySchema, created: z.boolean() });

export function activityRoutes(app: App) {
  const tags = ['activities'];
  app.get('/api/v1/activities', { schema: { tags, summary: 'List activities, newest first', security: Secured, querystring: ActivityListQuerySchema, response: { 200: Page(ActivitySchema) } } },
    async (req) => listActivities(req.ctx(), req.query));
  app.post('/api/v1/activities', {
    schema: { tags, summary: 'Write one activity; the same (source, sourceId) twice is a no-op (200 instead of 201)', security: Secured, body: ActivityInputSchema, response: { 200: WriteResult, 201: WriteResult } },
  }, async (req, reply) => {
    const r = (await writeActivities(req.ctx(), [req.body], () => ""))[0]!;
    return reply.code(r.created ? 201 : 200).send(r);
  });
  app.post('/api/v1/activities/batch', {
    schema: {
      tags, summary: 'Write up to 1,000 activities in one transaction; duplicates are no-ops', security: Secured, body: ActivityBatchSchema,
      response: { 200: z.object({ created: z.number(), duplicates: z.number(), ids: z.array(z.string()) }) },
    },
  }, async (req) => {
    const rs = await writeActivities(req.ctx(), req.body.activities);
    const created = rs.filter((r) => r.created).length;
    return { created, duplicates: rs.length - created, ids: rs.map((r) => r.activity.id) };
  });
  app.get('/api/v1/activities/:id', { schema: { tags, summary: 'Get an activity', security: Secured, params: IdParams, response: { 200: ActivitySchema } } },
    async (req) => getActivity(req.ctx(), req.params.id));
}
