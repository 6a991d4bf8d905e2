// The evaluation dashboards (评估精进): read from rollups, for the workspace, a community or a group.
import { z } from 'zod';
import { notFound } from '../../kernel/errors.ts';
import { ReportQuerySchema, ReportSchema, WeeklyReportListSchema, listWeeklyReports, report, reportWorkbook, resolveScope, weeklyReport, type Report } from '../../modules/analytics/index.ts';
import { DashboardQuerySchema, FunnelSchema, GroupHealthSchema, OverviewSchema, RetentionQuerySchema, RetentionSchema, StructureQuerySchema, StructureSchema, ReferralsSchema, referrals, OutputSchema, output, RoiSchema, roi, MeetupQuerySchema, MeetupSchema, meetups, ReplicationSchema, replication, CircleRolloutSchema, CircleTaskInputSchema, circleRollout, setCircleTask, TeamSchema, ValueSchema, VoiceSchema, voice, DrillQuerySchema, DrillSchema, drillMembers, structure, team, funnel, groupHealth, overview, retention, value } from '../../modules/analytics/index.ts';
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
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const download = (r: Report) => `shequn-report-${r.range.from}-${r.range.to}.xlsx`;
  app.get('/api/v1/analytics/report', {
    schema: {
      tags, summary: 'The report of a range (a week, or an event or a campaign by its dates) or of a phase (phaseId: its targets beside the outcome): the dashboards with the period before, the groups to praise and to watch, the team, and a summary in Chinese',
      security: Secured, querystring: ReportQuerySchema, response: { 200: ReportSchema },
    },
  }, async (req) => report(req.ctx(), req.query));
  app.get('/api/v1/analytics/report.xlsx', {
    schema: { tags, summary: "The same report as an XLSX workbook (概览, 每日, 漏斗, groups, 团队; 阶段 for a phase's)", security: Secured, querystring: ReportQuerySchema },
  }, async (req, reply) => {
    const r = await report(req.ctx(), req.query);
    return reply.header('content-type', XLSX).header('content-disposition', `attachment; filename="${download(r)}"`).send(await reportWorkbook(r));
  });
  const WeekParams = z.object({ week: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'the Monday the week starts on, YYYY-MM-DD') }).strict();
  const ReportScope = z.object({ communityId: z.string().min(1).max(64).optional() }).strict();
  app.get('/api/v1/analytics/reports', {
    schema: {
      tags, summary: 'The weekly reports kept for the workspace or a community, newest first (the engine writes last week\'s every Monday)',
      security: Secured, querystring: ReportScope, response: { 200: WeeklyReportListSchema },
    },
  }, async (req) => {
    const ctx = req.ctx();
    ctx.authorize('activity.read');
    return { items: await listWeeklyReports(ctx, (await resolveScope(ctx, req.query)).key) };
  });
  const kept = async (req: { ctx(): Parameters<typeof listWeeklyReports>[0]; params: { week: string }; query: { communityId?: string } }) => {
    const ctx = req.ctx();
    ctx.authorize('activity.read');
    ctx.authorize('member.read');
    const r = await weeklyReport(ctx, (await resolveScope(ctx, req.query)).key, req.params.week);
    if (!r) throw notFound('weekly report', req.params.week);
    return r;
  };
  app.get('/api/v1/analytics/reports/:week', {
    schema: { tags, summary: 'A kept weekly report, as it was written', security: Secured, params: WeekParams, querystring: ReportScope, response: { 200: ReportSchema } },
  }, async (req) => kept(req));
  app.get('/api/v1/analytics/reports/:week/xlsx', {
    schema: { tags, summary: 'A kept weekly report as an XLSX workbook', security: Secured, params: WeekParams, querystring: ReportScope },
  }, async (req, reply) => {
    const r = await kept(req);
    return reply.header('content-type', XLSX).header('content-disposition', `attachment; filename="${download(r)}"`).send(await reportWorkbook(r));
  });
  app.get('/api/v1/analytics/voice', {
    schema: {
      tags, summary: '网络声量: topics and rising keywords from the messages (Chinese word segmentation), positive and negative shares by day, and negative spikes with the messages behind them; for the workspace or a community',
      security: Secured, querystring: DashboardQuerySchema, response: { 200: VoiceSchema },
    },
  }, async (req) => voice(req.ctx(), req.query));
  app.get('/api/v1/analytics/replication', {
    schema: {
      tags, summary: "复制: is a community ready to copy itself (a core group in place, self-organisation, a sub-culture of recurring terms), what is missing, and its lineage of spin-offs with their figures",
      security: Secured, querystring: DashboardQuerySchema, response: { 200: ReplicationSchema },
    },
  }, async (req) => replication(req.ctx(), req.query));
  app.get('/api/v1/communities/:id/circle-rollout', {
    schema: {
      tags, summary: '圈层推进: the five circles in order, each with its four tasks (done or not, by whom, with a note) and its members\' figures; the circle being worked on',
      security: Secured, params: z.object({ id: z.string().min(1).max(64) }).strict(), response: { 200: CircleRolloutSchema },
    },
  }, async (req) => circleRollout(req.ctx(), req.params.id));
  app.put('/api/v1/communities/:id/circle-rollout', {
    schema: {
      tags, summary: 'Mark a circle\'s task done (with a note) or not done; returns the tracker',
      security: Secured, params: z.object({ id: z.string().min(1).max(64) }).strict(), body: CircleTaskInputSchema, response: { 200: CircleRolloutSchema },
    },
  }, async (req) => setCircleTask(req.ctx(), req.params.id, req.body));
  app.get('/api/v1/analytics/meetups', {
    schema: {
      tags, summary: '同城会 meetup planner: cities ranked by their members active in the last 30 days, and the most recently active members of one city to invite',
      security: Secured, querystring: MeetupQuerySchema, response: { 200: MeetupSchema },
    },
  }, async (req) => meetups(req.ctx(), req.query));
  app.get('/api/v1/analytics/referrals', {
    schema: {
      tags, summary: '裂变: of those who joined in the range, how many a member brought, the viral coefficient, the top referrers with their second level, and how deep the chains run',
      security: Secured, querystring: DashboardQuerySchema, response: { 200: ReferralsSchema },
    },
  }, async (req) => referrals(req.ctx(), req.query));
  app.get('/api/v1/analytics/roi', {
    schema: {
      tags, summary: '投入产出: costs per campaign, event, phase and group age beside what each brought (clicks, attendees, and their purchases within 30 days; budget used; revenue by group age)',
      security: Secured, querystring: DashboardQuerySchema, response: { 200: RoiSchema },
    },
  }, async (req) => roi(req.ctx(), req.query));
  app.get('/api/v1/analytics/output', {
    schema: {
      tags, summary: '活动与输出: events held against the target per group per year, community-wide events, content by source (OGC/PGC/UGC), sharing sessions and live relays with the groups they reached',
      security: Secured, querystring: DashboardQuerySchema, response: { 200: OutputSchema },
    },
  }, async (req) => output(req.ctx(), req.query));
}
