// The evaluation dashboards (评估精进): read from rollups, for the workspace, a community or a group.
import { DashboardQuerySchema, FunnelSchema, GroupHealthSchema, OverviewSchema, RetentionQuerySchema, RetentionSchema, StructureQuerySchema, StructureSchema, TeamSchema, ValueSchema, DrillQuerySchema, DrillSchema, drillMembers, structure, team, funnel, groupHealth, overview, retention, value } from '../../modules/analytics/index.ts';
import { Secured, type App } from './common.ts';

export function analyticsRoutes(app: App) {
  const tags = ['评估 stats'];
  app.get('/api/v1/analytics/overview', {
    schema: {
      tags, summary: 'Scale against the floor, activity by day, week and month, the hour × weekday heat map and revenue, for a range of local days',
      security: Secured, querystring: DashboardQuerySchema, response: { 200: OverviewSchema },
    },
  }, async (req) => overview(req.ctx(), req.query));
  app.get('/api/v1/analytics/funnel', {
    schema: {
      tags, summary: 'The funnel 吸粉 → 养粉 → 促粉 → 变现: members reaching each stage in the range, and the conversion of those who joined in it',
      security: Secured, querystring: DashboardQuerySchema, response: { 200: FunnelSchema },
    },
  }, async (req) => funnel(req.ctx(), req.query));
  app.get('/api/v1/analytics/retention', {
    schema: {
      tags, summary: 'Join cohorts (by week or month) and how many of each were active in each later period',
      security: Secured, querystring: RetentionQuerySchema, response: { 200: RetentionSchema },
    },
  }, async (req) => retention(req.ctx(), req.query));
  app.get('/api/v1/analytics/groups', {
    schema: {
      tags, summary: 'Every group with its measures, a 0–100 health score and the reasons, healthiest first; groups going quiet are flagged',
      security: Secured, querystring: DashboardQuerySchema, response: { 200: GroupHealthSchema },
    },
  }, async (req) => groupHealth(req.ctx(), req.query));
  app.get('/api/v1/analytics/value', {
    schema: {
      tags, summary: 'Revenue and orders against the target per member, new buyers, consultations that ordered, repurchase, time between purchases and RFM segments',
      security: Secured, querystring: DashboardQuerySchema, response: { 200: ValueSchema },
    },
  }, async (req) => value(req.ctx(), req.query));
  app.get('/api/v1/analytics/structure', {
    schema: {
      tags, summary: 'Who the members are (gender, age, city, interest, occupation, circle, channel, platform) against the target persona: a 0–100 fit, by platform and channel, with the largest deviations in words',
      security: Secured, querystring: StructureQuerySchema, response: { 200: StructureSchema },
    },
  }, async (req) => structure(req.ctx(), req.query));
  app.get('/api/v1/analytics/team', {
    schema: {
      tags, summary: '团队考核: a scorecard per group owner and secretary (operator or member) on their groups\' measures over the range, best first',
      security: Secured, querystring: DashboardQuerySchema, response: { 200: TeamSchema },
    },
  }, async (req) => team(req.ctx(), req.query));
  app.get('/api/v1/analytics/members', {
    schema: {
      tags, summary: 'The members behind a figure: the actives of a period, who reached a funnel stage in the range, an RFM segment, or the silent ones (by id, a page at a time)',
      security: Secured, querystring: DrillQuerySchema, response: { 200: DrillSchema },
    },
  }, async (req) => drillMembers(req.ctx(), req.query));
}
