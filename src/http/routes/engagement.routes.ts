// Engagement for operators: tasks (assign, list, confirm) and a member's points and badges.
import { z } from 'zod';
import {
  PointsSchema, TaskCreateSchema, TaskListQuerySchema, TaskSchema, confirmTask, createTask, listTasks, memberPoints,
} from '../../modules/engagement/index.ts';
import { IdParams, Secured, type App } from './common.ts';

export function engagementRoutes(app: App) {
  const tags = ['运营 engagement'];
  app.get('/api/v1/tasks', {
    schema: { tags, summary: "Tasks given to members (by the team or by rules, e.g. a sharing session's summary), newest first", security: Secured, querystring: TaskListQuerySchema, response: { 200: z.object({ items: z.array(TaskSchema) }) } },
  }, async (req) => ({ items: await listTasks(req.ctx(), req.query) }));
  app.post('/api/v1/tasks', {
    schema: { tags, summary: 'Give a member a task (a summary to write, a poster to share)', security: Secured, body: TaskCreateSchema, response: { 201: TaskSchema } },
  }, async (req, reply) => reply.code(201).send(await createTask(req.ctx(), req.body)));
  app.post('/api/v1/tasks/:id/confirm', {
    schema: { tags, summary: 'Confirm a task as done', security: Secured, params: IdParams, response: { 200: TaskSchema } },
  }, async (req) => confirmTask(req.ctx(), req.params.id));
  app.get('/api/v1/members/:id/points', {
    schema: { tags, summary: "A member's points (the ledger's sum and latest entries) and badges", security: Secured, params: IdParams, response: { 200: PointsSchema } },
  }, async (req) => memberPoints(req.ctx(), req.params.id));
}
