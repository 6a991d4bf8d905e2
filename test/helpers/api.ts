// Helpers for the API suite: problem assertions, tokens and sessions with roles and scopes,
// a second workspace, fixtures, and a snapshot of the whole database to prove a request changed nothing.
import { createHash } from 'node:crypto';
import QRCode from 'qrcode';
import { expect } from 'vitest';
import { ctxFor } from '../../src/bootstrap.ts';
import type { Database } from '../../src/kernel/db/schema.ts';
import { createToken } from '../../src/modules/operator/index.ts';
import { lastWeek, writeWeeklyReports } from '../../src/modules/analytics/report.ts';
import { catchUpRollups } from '../../src/modules/analytics/index.ts';
import { ensureWorkspace, type Workspace } from '../../src/modules/workspace/index.ts';
import { Client, type Reply, type TestServer } from './server.ts';

export const TABLES: (keyof Database)[] = [
  'workspaces', 'operators', 'sessions', 'api_tokens', 'audit_log', 'communities', 'phases', 'group_sets', 'groups',
  'members', 'member_terms', 'identities', 'memberships', 'member_numbers', 'number_sequences', 'activities',
  'rules', 'invites', 'join_requests', 'member_sessions', 'uploads', 'reports', 'questions', 'outbox', 'blacklist', 'rule_checkpoints', 'tasks', 'points', 'badges', 'highlights', 'imports', 'member_merges', 'merge_decisions',
  'integration_plans', 'integration_moves', 'connections',
  'group_links', 'platform_files', 'live_sessions', 'live_targets', 'live_messages', 'live_questions', 'live_applications', 'short_links', 'costs', 'event_supporters',
  'analytics_state', 'rollup_queue', 'activity_days', 'group_spans', 'activity_hours', 'member_periods', 'period_actives', 'member_milestones', 'milestone_days', 'cohort_periods', 'cohort_milestones', 'scope_seats', 'scope_member_seats', 'member_counts', 'analytics_snapshots', 'scope_events', 'content_days', 'plans', 'plan_actuals', 'alerts', 'alert_hooks', 'voice_days', 'term_days', 'voice_negatives', 'voice_checkpoints', 'circle_tasks',
];

/** Asserts an RFC 9457 problem: status, media type, the four standard members, and optionally a named field. */
export function expectProblem(r: Reply, status: number, field?: string | RegExp, code?: string): void {
  const ctx = `${r.status} ${r.text.slice(0, 400)}`;
  expect(r.status, ctx).toBe(status);
  expect(r.headers.get('content-type'), ctx).toMatch(/^application\/problem\+json/);
  expect(typeof r.body, ctx).toBe('object');
  expect(r.body.type, ctx).toMatch(/^urn:shequn:problem:/);
  expect(typeof r.body.title, ctx).toBe('string');
  expect(r.body.title.length, ctx).toBeGreaterThan(0);
  expect(r.body.status, ctx).toBe(status);
  expect(typeof r.body.detail, ctx).toBe('string');
  if (code) expect(r.body.code, ctx).toBe(code);
  if (field !== undefined) {
    const fields: string[] = (r.body.errors ?? []).map((e: { field: string; reason: string }) => {
      expect(typeof e.reason, ctx).toBe('string');
      expect(e.reason.length, ctx).toBeGreaterThan(0);
      return e.field;
    });
    const hit = fields.some((f) => (typeof field === 'string' ? f === field : field.test(f)));
    expect(hit, `expected errors[].field ${String(field)} in ${JSON.stringify(r.body.errors)} (${ctx})`).toBe(true);
  }
}

/** Any 4xx must be a well-formed problem; never a 5xx. */
export function expectClientProblem(r: Reply, label = ''): void {
  const ctx = `${label}: ${r.status} ${r.text.slice(0, 300)}`;
  expect(r.status, ctx).toBeGreaterThanOrEqual(400);
  expect(r.status, ctx).toBeLessThan(500);
  expect(r.headers.get('content-type'), ctx).toMatch(/^application\/problem\+json/);
  expect(r.body?.status, ctx).toBe(r.status);
  expect(r.body?.type, ctx).toMatch(/^urn:shequn:problem:/);
  expect(typeof r.body?.title, ctx).toBe('string');
  expect(typeof r.body?.detail, ctx).toBe('string');
}

export function expectStatus(r: Reply, status: number): void {
  expect(r.status, `${r.status} ${r.text.slice(0, 500)}`).toBe(status);
}

export interface TokenHandle {
  client: Client;
  token: string;
  id: string;
  name: string;
}

let tokenSeq = 0;
/** Mints an API token with the given role (and scope) using the caller's client (an owner by default). */
export async function mintToken(t: TestServer, role: string, scope?: { communities?: string[]; groupSets?: string[]; regions?: string[] }, via: Client = t.api): Promise<TokenHandle> {
  const name = `${role}-${++tokenSeq}`;
  const r = await via.post('/api/v1/tokens', { name, role, ...(scope ? { scope } : {}) });
  expectStatus(r, 201);
  expect(r.body.token).toMatch(/^shq_/);
  return { client: t.client(r.body.token), token: r.body.token, id: r.body.apiToken.id, name };
}

export interface Session {
  /** Cookie and CSRF header: a browser. */
  client: Client;
  /** Cookie only: a forged cross-site write. */
  cookieOnly: Client;
  cookie: string;
  csrfToken: string;
  setCookies: string[];
  body: any;
}

export async function signIn(t: TestServer, email: string, password: string, workspace?: string): Promise<Session> {
  const r = await t.client().post('/api/v1/auth/sign-in', { email, password, ...(workspace ? { workspace } : {}) });
  expectStatus(r, 200);
  const setCookies = r.headers.getSetCookie();
  const cookie = setCookies.map((c) => c.split(';')[0]).join('; ');
  const cookieOnly = t.client().withHeaders({ cookie });
  return { client: cookieOnly.withHeaders({ 'x-csrf-token': r.body.csrfToken }), cookieOnly, cookie, csrfToken: r.body.csrfToken, setCookies, body: r.body };
}

/** A second workspace (there is no API for workspaces yet) with an owner token of its own. */
export async function otherWorkspace(t: TestServer, slug = 'other'): Promise<{ workspace: Workspace; api: Client; token: string }> {
  const rt = t.server.rt;
  const { workspace } = await ensureWorkspace(rt.db.kysely, rt, slug, `Workspace ${slug}`);
  const { token } = await createToken(ctxFor(rt, workspace), { name: `${slug}-owner`, role: 'owner' });
  return { workspace, api: t.client(token), token };
}

const stable = (v: unknown): string =>
  v === null || typeof v !== 'object'
    ? JSON.stringify(v)
    : Array.isArray(v)
      ? `[${v.map(stable).join(',')}]`
      : `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(',')}}`;

export interface DbSnapshot {
  counts: Record<string, number>;
  /** A checksum of every audit entry. */
  audit: string;
  /** A checksum of every row of every table (token last-use stamps aside). */
  rows: Record<string, string>;
}

/**
 * What the engine derives in the background, whenever it gets to it: voice reads messages behind its own
 * checkpoint, and the weekly reports are written on the first evaluation of a week. No request writes them,
 * so "a request changed nothing" leaves them out.
 */
const BACKGROUND = new Set<string>(['voice_days', 'term_days', 'voice_negatives', 'voice_checkpoints', 'analytics_snapshots']);

/**
 * Row counts and checksums of every table (but the background ones), read straight from the database. The
 * rollups are counted up first (their queue is counted whenever the engine or a reader gets to it): what is
 * compared is what every activity written adds up to, whenever it was counted.
 */
export async function dbSnapshot(t: TestServer): Promise<DbSnapshot> {
  const db = t.server.rt.db.kysely;
  for (const w of await db.selectFrom('workspaces').select(['id', 'slug', 'name']).execute()) await catchUpRollups(ctxFor(t.server.rt, { ...w, createdAt: '' }));
  const counts: Record<string, number> = {};
  const rows: Record<string, string> = {};
  for (const table of TABLES.filter((x) => !BACKGROUND.has(x))) {
    const all = (await db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
    counts[table] = all.length;
    const lines = all.map((r) => {
      const { last_used_at: _volatile, ...rest } = r;
      return stable(table === 'api_tokens' ? rest : r);
    });
    lines.sort();
    rows[table] = createHash('sha256').update(lines.join('\n')).digest('hex');
  }
  return { counts, audit: rows.audit_log!, rows };
}

// ---- fixtures ----

let seq = 0;
export const uniq = (prefix: string) => `${prefix}${Date.now().toString(36)}${(++seq).toString(36)}`;

export async function makeCommunity(api: Client, body: Record<string, unknown> = {}): Promise<any> {
  const r = await api.post('/api/v1/communities', { name: uniq('社群'), purpose: 'brand', ...body });
  expectStatus(r, 201);
  return r.body;
}

export async function makeGroup(api: Client, communityId: string, body: Record<string, unknown> = {}): Promise<any> {
  const r = await api.post('/api/v1/groups', { communityId, platform: 'wechat', name: uniq('群'), ...body });
  expectStatus(r, 201);
  return r.body;
}

export async function makeGroupSet(api: Client, body: Record<string, unknown> = {}): Promise<any> {
  const r = await api.post('/api/v1/group-sets', { name: uniq('群组合'), ...body });
  expectStatus(r, 201);
  return r.body;
}

export async function makeMember(api: Client, body: Record<string, unknown> = {}): Promise<any> {
  const r = await api.post('/api/v1/members', { displayName: uniq('成员'), ...body });
  expectStatus(r, 201);
  return r.body;
}

export async function makeActivity(api: Client, body: Record<string, unknown> = {}): Promise<any> {
  const r = await api.post('/api/v1/activities', { kind: 'message', occurredAt: new Date().toISOString(), ...body });
  expectStatus(r, 201);
  return r.body.activity;
}

export async function auditSince(api: Client, q: string): Promise<any[]> {
  const r = await api.get(`/api/v1/audit-log?${/(^|&)limit=/.test(q) ? '' : 'limit=500&'}${q}`);
  expectStatus(r, 200);
  return r.body.items;
}

/** Reads every page of a cursor-paged list. */
export async function allPages(api: Client, path: string): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const r: Reply = await api.get(`${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`);
    expectStatus(r, 200);
    items.push(...r.body.items);
    cursor = r.body.nextCursor;
    pages++;
    if (pages > 1000) throw new Error('runaway pagination');
  } while (cursor);
  return { items, pages };
}

export interface OpenApiOperation {
  method: string;
  path: string;
  op: any;
}

export async function openApiOperations(t: TestServer): Promise<{ doc: any; ops: OpenApiOperation[] }> {
  const r = await t.client().get('/api/v1/openapi.json');
  expectStatus(r, 200);
  const ops: OpenApiOperation[] = [];
  for (const [path, item] of Object.entries<any>(r.body.paths)) {
    for (const [method, op] of Object.entries<any>(item)) ops.push({ method: method.toUpperCase(), path, op });
  }
  return { doc: r.body, ops };
}

/** `/api/v1/groups/{id}` with the id filled in. */
export const fill = (path: string, id: string) => path.replace(/\{(id|code)\}/, encodeURIComponent(id));

export interface Fixture {
  community: string;
  phase: string;
  groupSet: string;
  group: string;
  group2: string;
  member: string;
  identity: string;
  membership: string;
  activity: string;
  operator: string;
  token: string;
  /** An application entry rule on `group`. */
  rule: string;
  /** An invite to `group`, and the pending join request made through it. */
  invite: string;
  inviteCode: string;
  joinRequest: string;
  /** A member who joined `group2` through an invite, with their member-app session. */
  joiner: string;
  memberClient: Client;
  memberCookie: string;
  /** The team's message in `group2`, the joiner's report of it, and an image the team uploaded to `group`. */
  teamMessage: string;
  report: string;
  upload: string;
  /** A moderation rule on `group2` and the warning it gave the joiner. */
  moderationRule: string;
  ruleAction: string;
  /** A task given to the joiner in `group2`. */
  task: string;
  /** A completed chat import (a tiny Telegram export uploaded through the API), its group and its one sender. */
  chatImport: string;
  importedGroup: string;
  importedMember: string;
  /** Two members named alike (in no group), left for a merge; and a merge of a third into the first (left for a split). */
  mergeKeep: string;
  mergeOther: string;
  merge: string;
  /** A draft integration plan over the fixture community's groups. */
  integrationPlan: string;
  /** A Telegram connection, written directly (the test servers reach no Bot API; test/api-connections covers adding one). */
  connection: string;
  /** A scheduled live session from `group` to `group2`, a question in it (written directly) and a group owner's application; and an ended session (a replay). */
  liveSession: string;
  liveQuestion: string;
  liveApplication: string;
  liveEnded: string;
  /** A tracked short link posted to `group`, and its code. */
  link: string;
  plan: string;
  /** A cost of `community`'s phase, and a supporter of an event of it. */
  cost: string;
  supporter: string;
  alert: string;
  alertHook: string;
  reportWeek: string;
  linkCode: string;
}

/** Polls until `fn` gives a value (the rules engine and the outbox work on a short interval). */
export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`waitFor: nothing after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A real PNG (a QR code), for uploads. */
export async function pngBytes(text = 'shequn'): Promise<Uint8Array> {
  return new Uint8Array(await QRCode.toBuffer(text, { width: 64 }));
}

/** Joins through an invite code as a new device; returns the member app's client (cookie and CSRF header). */
export async function joinAsMember(t: TestServer, code: string, body: Record<string, unknown>): Promise<{ client: Client; cookie: string; csrf: string; result: any }> {
  const r = await t.client().post(`/api/v1/public/join/${code}`, { consentAccepted: true, rulesAccepted: true, ...body });
  expectStatus(r, 200);
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
  expect(cookie).toMatch(/^shequn_member=/);
  const me = await t.client().withHeaders({ cookie }).get('/api/v1/me');
  const csrf = me.status === 200 ? me.body.csrfToken : '';
  return { client: t.client().withHeaders({ cookie, 'x-csrf-token': csrf }), cookie, csrf, result: r.body };
}

/** One of each resource, made through the API with the given (owner or admin) client. */
export async function makeFixture(t: TestServer, api: Client, tag = uniq('fx')): Promise<Fixture> {
  const community = await makeCommunity(api, { name: `${tag}社群` });
  const phase = await api.post(`/api/v1/communities/${community.id}/phases`, { name: `${tag}阶段`, purpose: 'sales', startsOn: '2024-01-01', endsOn: '2024-03-01' });
  expectStatus(phase, 201);
  const groupSet = await makeGroupSet(api, { name: `${tag}组合`, communityId: community.id });
  const group = await makeGroup(api, community.id, { name: `${tag}群`, groupSetId: groupSet.id, externalId: `${tag}-ext` });
  const group2 = await makeGroup(api, community.id, { name: `${tag}二群`, platform: 'builtin' });
  const member = await makeMember(api, {
    displayName: `${tag}成员`, phone: '13700001234', email: `${tag.toLowerCase()}@example.com`, tags: [`${tag}标签`],
    identities: [{ platform: 'wechat', externalId: `${tag}-wx`, handle: `${tag}_handle` }], memberships: [{ groupId: group.id }],
  });
  const activity = await makeActivity(api, { memberId: member.id, groupId: group.id, sourceId: `${tag}-act` });
  const operator = await api.post('/api/v1/operators', { email: `${tag.toLowerCase()}-op@example.com`, name: `${tag}运营`, role: 'operator' });
  expectStatus(operator, 201);
  const token = await api.post('/api/v1/tokens', { name: `${tag}-token`, role: 'analyst' });
  expectStatus(token, 201);
  const rule = await api.post('/api/v1/rules', { type: 'joining.entry', targetType: 'group', targetId: group.id, settings: { mode: 'application', questions: ['为什么想加入？'] } });
  expectStatus(rule, 201);
  const invite = await api.post('/api/v1/invites', { targetType: 'group', targetId: group.id });
  expectStatus(invite, 201);
  const applied = await t.client().post(`/api/v1/public/join/${invite.body.code}`, { name: `${tag}申请人`, answers: ['想学习'], consentAccepted: true, rulesAccepted: true });
  expectStatus(applied, 200);
  const invite2 = await api.post('/api/v1/invites', { targetType: 'group', targetId: group2.id });
  expectStatus(invite2, 201);
  const joiner = await joinAsMember(t, invite2.body.code, { name: `${tag}新人` });
  const teamMessage = await api.post(`/api/v1/groups/${group2.id}/messages`, { clientId: `${tag}-hello-0001`, text: `${tag}欢迎` });
  expectStatus(teamMessage, 201);
  const report = await joiner.client.post(`/api/v1/me/groups/${group2.id}/reports`, { targetType: 'message', targetId: teamMessage.body.id, reason: '测试举报' });
  expectStatus(report, 201);
  const upload = await api.request('POST', `/api/v1/groups/${group2.id}/uploads?name=qr.png`, await pngBytes(tag), { 'content-type': 'image/png' });
  expectStatus(upload, 201);
  const moderation = await api.post('/api/v1/rules', { type: 'communication.moderation', targetType: 'group', targetId: group2.id, settings: {} });
  expectStatus(moderation, 201);
  expectStatus(await joiner.client.post(`/api/v1/me/groups/${group2.id}/messages`, { clientId: `${tag}-ad-00001`, text: '加我微信 tea_shop_2024 领优惠' }), 201);
  const ruleAction = await waitFor(async () => (await api.get(`/api/v1/rule-actions?groupId=${group2.id}`)).body.items?.[0]);
  const task = await api.post('/api/v1/tasks', { memberId: joiner.result.memberId, groupId: group2.id, title: `${tag}任务` });
  expectStatus(task, 201);
  const imported = await api.request('POST', `/api/v1/imports?format=telegram&name=${tag}.json`, tinyTelegramExport(tag), { 'content-type': 'application/octet-stream' });
  expectStatus(imported, 202);
  await waitFor(async () => (await api.get(`/api/v1/imports/${imported.body.id}`)).body.status === 'completed');
  const importedGroup = (await api.get('/api/v1/groups?platform=telegram')).body.items.find((g: any) => g.name === `${tag}导入群`);
  const importedMember = (await api.get(`/api/v1/activities?groupId=${importedGroup.id}`)).body.items[0].memberId as string;
  const [keep, other, gone] = await Promise.all(['甲', '乙', '丙'].map((x) => makeMember(api, { displayName: `${tag}同名`, city: x })));
  const merge = await api.post(`/api/v1/members/${keep.id}/merge`, { mergeId: gone.id });
  expectStatus(merge, 201);
  const integrationPlan = await api.post('/api/v1/integration-plans', { communityId: community.id, name: `${tag}整合` });
  expectStatus(integrationPlan, 201);
  const me = (await api.get('/api/v1/auth/me')).body;
  const connection = `con_${tag.toLowerCase()}`;
  const rt = t.server.rt;
  await rt.db.kysely.insertInto('connections').values({
    id: connection, workspace_id: me.workspace.id, platform: 'telegram', name: `${tag}机器人`, account_id: connection, handle: null,
    credentials: rt.secrets().seal(JSON.stringify({ token: '100000:fixture-token-not-real' })), status: 'active', last_error: null, checked_at: null,
    created_by: 'fixture', created_at: Date.now(), updated_at: Date.now(),
  }).execute();
  const liveBody = {
    communityId: community.id, title: `${tag}直播`, mainGroupId: group.id, host: { type: 'member', id: member.id }, speakers: [{ type: 'member', id: member.id }],
    targets: { groupIds: [group2.id] }, settings: { reminders: [], notices: false },
  };
  const live = await api.post('/api/v1/live-sessions', liveBody);
  expectStatus(live, 201);
  const liveQuestion = `lq_${tag.toLowerCase()}`;
  await rt.db.kysely.insertInto('live_questions').values({
    id: liveQuestion, workspace_id: me.workspace.id, session_id: live.body.id, group_id: group2.id, member_id: joiner.result.memberId, asker: '提问者', text: `${tag}怎么泡茶`,
    same_as: null, status: 'open', answer: null, answered_by: null, answered_at: null, activity_id: `fixture:${liveQuestion}`, asked_at: Date.now(),
  }).execute();
  const application = await t.client().post(`/api/v1/public/live-sessions/${live.body.id}/applications`, { platform: 'qq', groupName: `${tag}QQ群`, applicant: '群主', contact: 'qq:10001' });
  expectStatus(application, 201);
  const ended = await api.post('/api/v1/live-sessions', { ...liveBody, title: `${tag}回放` });
  expectStatus(await api.post(`/api/v1/live-sessions/${ended.body.id}/start`), 200);
  expectStatus(await api.post(`/api/v1/live-sessions/${ended.body.id}/stop`), 200);
  const link = await api.post('/api/v1/links', { url: `https://example.com/${tag}`, groupId: group.id });
  expectStatus(link, 201);
  const plan = await api.post('/api/v1/plans', { name: `${tag}计划`, templateKey: 'three-year', startMonth: '2026-01', communityId: community.id });
  expectStatus(plan, 201);
  const alertHook = await api.post('/api/v1/alert-hooks', { url: `https://example.com/hooks/${tag}` });
  const cost = await api.post('/api/v1/costs', { subject: 'phase', subjectKey: phase.body.id, spentOn: '2024-01-15', amountCents: 50_000, category: '物料' });
  expectStatus(cost, 201);
  const supporter = await api.post('/api/v1/event-supporters', { eventKey: `${tag}茶会`, supporterType: 'firm', name: `${tag}茶庄`, communityId: community.id, supportedOn: '2024-01-20' });
  expectStatus(supporter, 201);
  expectStatus(alertHook, 201);
  // Last week's report, as the engine writes it on Monday.
  const wsRow = (await t.server.rt.db.kysely.selectFrom('communities').select('workspace_id').where('id', '=', community.id).executeTakeFirstOrThrow()).workspace_id;
  const wsCtx = ctxFor(t.server.rt, (await t.server.rt.db.kysely.selectFrom('workspaces').selectAll().where('id', '=', wsRow).executeTakeFirstOrThrow()) as unknown as Workspace);
  await writeWeeklyReports(wsCtx);
  const reportWeek = (await lastWeek(wsCtx)).from;
  // An alert as the engine opens it (a full group), for the operations on one.
  const alert = `alr_fx${tag}`.replace(/[^\w]/g, '');
  await t.server.rt.db.kysely.insertInto('alerts').values({
    id: alert, workspace_id: (await t.server.rt.db.kysely.selectFrom('communities').select('workspace_id').where('id', '=', community.id).executeTakeFirstOrThrow()).workspace_id,
    kind: 'group_near_capacity', subject_type: 'group', subject_id: group.id, severity: 'warning', title: `「${tag}群」快满了`, data: '{}', status: 'open',
    opened_at: Date.now(), resolved_at: null, acknowledged_by: null, acknowledged_at: null, notify_attempts: 0, notify_at: Date.now(), notified_at: Date.now(),
  }).execute();
  // Let the engine settle (its checkpoint passes the warning it posted), so that later snapshots hold still.
  for (let i = 0; i < 3; i++) await t.server.engine.tick();
  return {
    chatImport: imported.body.id, importedGroup: importedGroup.id, importedMember, mergeKeep: keep.id, mergeOther: other.id, merge: merge.body.id, integrationPlan: integrationPlan.body.id, connection,
    liveSession: live.body.id, liveQuestion, liveApplication: application.body.id, liveEnded: ended.body.id, link: link.body.id, linkCode: link.body.code, plan: plan.body.id, cost: cost.body.id, supporter: supporter.body.id, alert, alertHook: alertHook.body.id, reportWeek,
    moderationRule: moderation.body.id, ruleAction: ruleAction.id, task: task.body.id,
    joiner: joiner.result.memberId, memberClient: joiner.client, memberCookie: joiner.cookie, teamMessage: teamMessage.body.id, report: report.body.id, upload: upload.body.id,
    community: community.id, phase: phase.body.id, groupSet: groupSet.id, group: group.id, group2: group2.id, member: member.id,
    identity: member.identities[0].id, membership: member.memberships[0].id, activity: activity.id, operator: operator.body.id,
    token: token.body.apiToken.id, rule: rule.body.id, invite: invite.body.id, inviteCode: invite.body.code, joinRequest: applied.body.requestId,
  };
}

/** A Telegram Desktop export of one chat with one message, unique to `tag`. */
export function tinyTelegramExport(tag: string): Uint8Array {
  const id = 1_700_000_000 + (Number.parseInt(createHash('sha256').update(tag).digest('hex').slice(0, 6), 16) % 100_000_000);
  const doc = { name: `${tag}导入群`, type: 'private_supergroup', id, messages: [{ id: 1, type: 'message', date: '2024-05-01T10:00:00', date_unixtime: '1714528800', from: `${tag}发言人`, from_id: `user${id}`, text: '你好' }] };
  return new TextEncoder().encode(JSON.stringify(doc));
}

export interface Call {
  method: string;
  /** The OpenAPI path template. */
  path: string;
  url: string;
  body?: unknown;
}

/** Every write operation of the API with a valid body, aimed at the fixture's resources. */
export function writeCalls(f: Fixture): Call[] {
  const now = new Date().toISOString();
  const u = uniq('w');
  return [
    { method: 'POST', path: '/api/v1/operators', url: '/api/v1/operators', body: { email: `${u}@example.com`, name: u, role: 'analyst' } },
    { method: 'PATCH', path: '/api/v1/operators/{id}', url: `/api/v1/operators/${f.operator}`, body: { name: u } },
    { method: 'DELETE', path: '/api/v1/operators/{id}', url: `/api/v1/operators/${f.operator}` },
    { method: 'POST', path: '/api/v1/tokens', url: '/api/v1/tokens', body: { name: u, role: 'analyst' } },
    { method: 'DELETE', path: '/api/v1/tokens/{id}', url: `/api/v1/tokens/${f.token}` },
    { method: 'POST', path: '/api/v1/communities', url: '/api/v1/communities', body: { name: u, purpose: 'brand' } },
    { method: 'PATCH', path: '/api/v1/communities/{id}', url: `/api/v1/communities/${f.community}`, body: { name: u } },
    { method: 'DELETE', path: '/api/v1/communities/{id}', url: `/api/v1/communities/${f.community}` },
    { method: 'POST', path: '/api/v1/communities/{id}/phases', url: `/api/v1/communities/${f.community}/phases`, body: { name: u, purpose: 'pr', startsOn: '2024-01-01', endsOn: '2024-01-02' } },
    { method: 'PATCH', path: '/api/v1/phases/{id}', url: `/api/v1/phases/${f.phase}`, body: { name: u } },
    { method: 'PUT', path: '/api/v1/communities/{id}/circle-rollout', url: `/api/v1/communities/${f.community}/circle-rollout`, body: { circle: 'leader', task: 'identity', done: true, note: u } },
    { method: 'DELETE', path: '/api/v1/phases/{id}', url: `/api/v1/phases/${f.phase}` },
    { method: 'POST', path: '/api/v1/groups', url: '/api/v1/groups', body: { communityId: f.community, platform: 'qq', name: u } },
    { method: 'PATCH', path: '/api/v1/groups/{id}', url: `/api/v1/groups/${f.group}`, body: { name: u } },
    { method: 'DELETE', path: '/api/v1/groups/{id}', url: `/api/v1/groups/${f.group2}` },
    { method: 'POST', path: '/api/v1/group-sets', url: '/api/v1/group-sets', body: { name: u, communityId: f.community } },
    { method: 'PATCH', path: '/api/v1/group-sets/{id}', url: `/api/v1/group-sets/${f.groupSet}`, body: { name: u } },
    { method: 'DELETE', path: '/api/v1/group-sets/{id}', url: `/api/v1/group-sets/${f.groupSet}` },
    { method: 'POST', path: '/api/v1/members', url: '/api/v1/members', body: { displayName: u, memberships: [{ groupId: f.group }] } },
    { method: 'PATCH', path: '/api/v1/members/{id}', url: `/api/v1/members/${f.member}`, body: { city: u } },
    { method: 'DELETE', path: '/api/v1/members/{id}', url: `/api/v1/members/${f.member}` },
    { method: 'POST', path: '/api/v1/members/{id}/identities', url: `/api/v1/members/${f.member}/identities`, body: { platform: 'qq', externalId: u } },
    { method: 'DELETE', path: '/api/v1/identities/{id}', url: `/api/v1/identities/${f.identity}` },
    { method: 'POST', path: '/api/v1/members/{id}/memberships', url: `/api/v1/members/${f.member}/memberships`, body: { groupId: f.group2 } },
    { method: 'PATCH', path: '/api/v1/memberships/{id}', url: `/api/v1/memberships/${f.membership}`, body: { nickname: u } },
    { method: 'POST', path: '/api/v1/activities', url: '/api/v1/activities', body: { kind: 'message', occurredAt: now, groupId: f.group, sourceId: u } },
    { method: 'POST', path: '/api/v1/activities/batch', url: '/api/v1/activities/batch', body: { activities: [{ kind: 'message', occurredAt: now, groupId: f.group, sourceId: `${u}b` }] } },
    { method: 'POST', path: '/api/v1/rules', url: '/api/v1/rules', body: { type: 'joining.ritual', targetType: 'group', targetId: f.group2 } },
    { method: 'PATCH', path: '/api/v1/rules/{id}', url: `/api/v1/rules/${f.rule}`, body: { enabled: false } },
    { method: 'DELETE', path: '/api/v1/rules/{id}', url: `/api/v1/rules/${f.rule}` },
    { method: 'POST', path: '/api/v1/invites', url: '/api/v1/invites', body: { targetType: 'group', targetId: f.group2 } },
    { method: 'DELETE', path: '/api/v1/invites/{id}', url: `/api/v1/invites/${f.invite}` },
    { method: 'POST', path: '/api/v1/join-requests/{id}/approve', url: `/api/v1/join-requests/${f.joinRequest}/approve` },
    { method: 'POST', path: '/api/v1/join-requests/{id}/reject', url: `/api/v1/join-requests/${f.joinRequest}/reject`, body: { reason: u } },
    { method: 'POST', path: '/api/v1/groups/{id}/clone', url: `/api/v1/groups/${f.group}/clone`, body: { name: `${u}克隆` } },
    { method: 'POST', path: '/api/v1/group-sets/{id}/rename', url: `/api/v1/group-sets/${f.groupSet}/rename`, body: { pattern: '{set}{n}群', apply: true } },
    { method: 'POST', path: '/api/v1/groups/{id}/messages', url: `/api/v1/groups/${f.group2}/messages`, body: { clientId: `${u}-team`, text: u } },
    { method: 'POST', path: '/api/v1/groups/{id}/messages/{messageId}/highlight', url: `/api/v1/groups/${f.group2}/messages/${f.teamMessage}/highlight` },
    { method: 'PUT', path: '/api/v1/groups/{id}/announcement', url: `/api/v1/groups/${f.group2}/announcement`, body: { text: u } },
    { method: 'POST', path: '/api/v1/groups/{id}/uploads', url: `/api/v1/groups/${f.group2}/uploads?name=${u}.png`, body: PNG_1x1 },
    { method: 'POST', path: '/api/v1/tasks', url: '/api/v1/tasks', body: { memberId: f.member, title: u } },
    { method: 'POST', path: '/api/v1/rules/from-template', url: '/api/v1/rules/from-template', body: { template: 'core-group', targetType: 'group', targetId: f.group } },
    { method: 'POST', path: '/api/v1/tasks/{id}/confirm', url: `/api/v1/tasks/${f.task}/confirm` },
    { method: 'POST', path: '/api/v1/rule-actions/{id}/undo', url: `/api/v1/rule-actions/${f.ruleAction}/undo` },
    { method: 'POST', path: '/api/v1/reports/{id}/decide', url: `/api/v1/reports/${f.report}/decide`, body: { decision: 'confirm', muteMinutes: 10 } },
    { method: 'POST', path: '/api/v1/imports', url: `/api/v1/imports?format=telegram&name=${u}.json`, body: tinyTelegramExport(u) },
    { method: 'POST', path: '/api/v1/merge-suggestions/reject', url: '/api/v1/merge-suggestions/reject', body: { memberIds: [f.mergeKeep, f.mergeOther] } },
    { method: 'POST', path: '/api/v1/members/{id}/merge', url: `/api/v1/members/${f.mergeKeep}/merge`, body: { mergeId: f.mergeOther } },
    { method: 'POST', path: '/api/v1/member-merges/{id}/split', url: `/api/v1/member-merges/${f.merge}/split` },
    { method: 'POST', path: '/api/v1/integration-plans', url: '/api/v1/integration-plans', body: { communityId: f.community, name: u } },
    { method: 'PATCH', path: '/api/v1/integration-plans/{id}', url: `/api/v1/integration-plans/${f.integrationPlan}`, body: { settings: { moveBy: 'circle' } } },
    { method: 'POST', path: '/api/v1/integration-plans/{id}/carry-out', url: `/api/v1/integration-plans/${f.integrationPlan}/carry-out` },
    { method: 'POST', path: '/api/v1/integration-plans/{id}/archive-old-groups', url: `/api/v1/integration-plans/${f.integrationPlan}/archive-old-groups` },
    { method: 'DELETE', path: '/api/v1/integration-plans/{id}', url: `/api/v1/integration-plans/${f.integrationPlan}` },
    { method: 'POST', path: '/api/v1/connections', url: '/api/v1/connections', body: { platform: 'telegram', token: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } },
    { method: 'POST', path: '/api/v1/connections/{id}/check', url: `/api/v1/connections/${f.connection}/check` },
    { method: 'DELETE', path: '/api/v1/connections/{id}', url: `/api/v1/connections/${f.connection}` },
    {
      method: 'POST', path: '/api/v1/live-sessions', url: '/api/v1/live-sessions',
      body: { communityId: f.community, title: u, mainGroupId: f.group, host: { type: 'member', id: f.member }, speakers: [{ type: 'member', id: f.member }], targets: { groupIds: [f.group2] } },
    },
    { method: 'PATCH', path: '/api/v1/live-sessions/{id}', url: `/api/v1/live-sessions/${f.liveSession}`, body: { title: u } },
    { method: 'POST', path: '/api/v1/live-sessions/{id}/start', url: `/api/v1/live-sessions/${f.liveSession}/start` },
    { method: 'POST', path: '/api/v1/live-sessions/{id}/pause', url: `/api/v1/live-sessions/${f.liveSession}/pause` },
    { method: 'POST', path: '/api/v1/live-sessions/{id}/resume', url: `/api/v1/live-sessions/${f.liveSession}/resume` },
    { method: 'POST', path: '/api/v1/live-sessions/{id}/questions/{sub}/answer', url: `/api/v1/live-sessions/${f.liveSession}/questions/${f.liveQuestion}/answer`, body: { answer: u } },
    { method: 'POST', path: '/api/v1/live-sessions/{id}/questions/{sub}/dismiss', url: `/api/v1/live-sessions/${f.liveSession}/questions/${f.liveQuestion}/dismiss` },
    { method: 'POST', path: '/api/v1/live-sessions/{id}/applications/{sub}/decide', url: `/api/v1/live-sessions/${f.liveSession}/applications/${f.liveApplication}/decide`, body: { decision: 'reject' } },
    { method: 'POST', path: '/api/v1/live-sessions/{id}/stop', url: `/api/v1/live-sessions/${f.liveSession}/stop` },
    { method: 'PATCH', path: '/api/v1/live-sessions/{id}/archive', url: `/api/v1/live-sessions/${f.liveEnded}/archive`, body: { summary: u } },
    { method: 'POST', path: '/api/v1/live-sessions/{id}/rebroadcast', url: `/api/v1/live-sessions/${f.liveEnded}/rebroadcast` },
    { method: 'DELETE', path: '/api/v1/live-sessions/{id}', url: `/api/v1/live-sessions/${f.liveSession}` },
    { method: 'POST', path: '/api/v1/links', url: '/api/v1/links', body: { url: `https://example.com/${u}`, groupId: f.group } },
    { method: 'POST', path: '/api/v1/plans', url: '/api/v1/plans', body: { name: `${u}计划`, templateKey: 'three-year', startMonth: '2026-01', communityId: f.community } },
    { method: 'PATCH', path: '/api/v1/plans/{id}', url: `/api/v1/plans/${f.plan}`, body: { name: `${u}计划` } },
    { method: 'PUT', path: '/api/v1/plans/{id}/actuals', url: `/api/v1/plans/${f.plan}/actuals`, body: { entries: [{ month: '2026-02', metric: 'staff', value: 3 }] } },
    { method: 'POST', path: '/api/v1/plans/{id}/actuals/import', url: `/api/v1/plans/${f.plan}/actuals/import?name=${u}.csv`, body: '月份,员工人数\n2026-03,4\n' },
    { method: 'DELETE', path: '/api/v1/plans/{id}', url: `/api/v1/plans/${f.plan}` },
    { method: 'POST', path: '/api/v1/costs', url: '/api/v1/costs', body: { subject: 'campaign', subjectKey: `${u}推广`, communityId: f.community, spentOn: '2026-01-05', amountCents: 1000 } },
    { method: 'POST', path: '/api/v1/costs/import', url: `/api/v1/costs/import?name=${u}.csv`, body: `日期,类型,名称,金额,社群\n2026-01-06,推广,${u}推广,¥12.50,${f.community}\n` },
    { method: 'DELETE', path: '/api/v1/costs/{id}', url: `/api/v1/costs/${f.cost}` },
    { method: 'POST', path: '/api/v1/event-supporters', url: '/api/v1/event-supporters', body: { eventKey: `${u}茶会`, supporterType: 'person', name: u, communityId: f.community, supportedOn: '2026-01-05' } },
    { method: 'POST', path: '/api/v1/event-supporters/import', url: `/api/v1/event-supporters/import?name=${u}.csv`, body: `日期,活动,类型,名称,社群\n2026-01-06,${u}茶会,个人,${u},${f.community}\n` },
    { method: 'DELETE', path: '/api/v1/event-supporters/{id}', url: `/api/v1/event-supporters/${f.supporter}` },
    { method: 'POST', path: '/api/v1/alert-hooks', url: '/api/v1/alert-hooks', body: { url: `https://example.com/hooks/${u}` } },
    { method: 'DELETE', path: '/api/v1/alert-hooks/{id}', url: `/api/v1/alert-hooks/${f.alertHook}` },
    { method: 'POST', path: '/api/v1/alerts/{id}/acknowledge', url: `/api/v1/alerts/${f.alert}/acknowledge` },
  ];
}

/** Every read operation of the API, aimed at the fixture's resources. */
export function readCalls(f: Fixture): Call[] {
  return [
    { method: 'GET', path: '/api/v1/auth/me', url: '/api/v1/auth/me' },
    { method: 'GET', path: '/api/v1/operators', url: '/api/v1/operators' },
    { method: 'GET', path: '/api/v1/operators/{id}', url: `/api/v1/operators/${f.operator}` },
    { method: 'GET', path: '/api/v1/tokens', url: '/api/v1/tokens' },
    { method: 'GET', path: '/api/v1/audit-log', url: '/api/v1/audit-log' },
    { method: 'GET', path: '/api/v1/communities', url: '/api/v1/communities' },
    { method: 'GET', path: '/api/v1/community-templates', url: '/api/v1/community-templates' },
    { method: 'GET', path: '/api/v1/communities/{id}', url: `/api/v1/communities/${f.community}` },
    { method: 'GET', path: '/api/v1/communities/{id}/phases', url: `/api/v1/communities/${f.community}/phases` },
    { method: 'GET', path: '/api/v1/phases/{id}', url: `/api/v1/phases/${f.phase}` },
    { method: 'GET', path: '/api/v1/phases', url: '/api/v1/phases' },
    { method: 'GET', path: '/api/v1/groups', url: '/api/v1/groups' },
    { method: 'GET', path: '/api/v1/groups/{id}', url: `/api/v1/groups/${f.group}` },
    { method: 'GET', path: '/api/v1/groups/{id}/memberships', url: `/api/v1/groups/${f.group}/memberships` },
    { method: 'GET', path: '/api/v1/group-sets', url: '/api/v1/group-sets' },
    { method: 'GET', path: '/api/v1/group-sets/{id}', url: `/api/v1/group-sets/${f.groupSet}` },
    { method: 'GET', path: '/api/v1/members', url: '/api/v1/members' },
    { method: 'GET', path: '/api/v1/members/{id}', url: `/api/v1/members/${f.member}` },
    { method: 'GET', path: '/api/v1/activities', url: '/api/v1/activities' },
    { method: 'GET', path: '/api/v1/activities/{id}', url: `/api/v1/activities/${f.activity}` },
    { method: 'GET', path: '/api/v1/stats/overview', url: '/api/v1/stats/overview' },
    { method: 'GET', path: '/api/v1/stats/groups', url: '/api/v1/stats/groups' },
    { method: 'GET', path: '/api/v1/rules', url: '/api/v1/rules' },
    { method: 'GET', path: '/api/v1/rules/{id}', url: `/api/v1/rules/${f.rule}` },
    { method: 'GET', path: '/api/v1/tasks', url: '/api/v1/tasks' },
    { method: 'GET', path: '/api/v1/rule-templates', url: '/api/v1/rule-templates' },
    { method: 'GET', path: '/api/v1/members/{id}/points', url: `/api/v1/members/${f.member}/points` },
    { method: 'GET', path: '/api/v1/rule-actions', url: `/api/v1/rule-actions?groupId=${f.group2}` },
    { method: 'POST', path: '/api/v1/rules/dry-run', url: '/api/v1/rules/dry-run', body: { groupId: f.group2, days: 7 } },
    { method: 'GET', path: '/api/v1/invites', url: '/api/v1/invites' },
    { method: 'GET', path: '/api/v1/members/{id}/referral', url: `/api/v1/members/${f.member}/referral?groupId=${f.group}` },
    { method: 'GET', path: '/api/v1/groups/{id}/join-requests', url: `/api/v1/groups/${f.group}/join-requests` },
    { method: 'GET', path: '/api/v1/groups/{id}/chat', url: `/api/v1/groups/${f.group2}/chat` },
    { method: 'GET', path: '/api/v1/groups/{id}/reports', url: `/api/v1/groups/${f.group2}/reports` },
    { method: 'GET', path: '/api/v1/groups/{id}/questions', url: `/api/v1/groups/${f.group2}/questions` },
    { method: 'GET', path: '/api/v1/uploads/{id}', url: `/api/v1/uploads/${f.upload}` },
    { method: 'GET', path: '/api/v1/imports', url: '/api/v1/imports' },
    { method: 'GET', path: '/api/v1/imports/{id}', url: `/api/v1/imports/${f.chatImport}` },
    { method: 'GET', path: '/api/v1/merge-suggestions', url: `/api/v1/merge-suggestions?communityId=${f.community}` },
    { method: 'GET', path: '/api/v1/member-merges', url: '/api/v1/member-merges' },
    { method: 'GET', path: '/api/v1/communities/{id}/duplicates', url: `/api/v1/communities/${f.community}/duplicates` },
    { method: 'GET', path: '/api/v1/integration-plans', url: `/api/v1/integration-plans?communityId=${f.community}` },
    { method: 'GET', path: '/api/v1/integration-plans/{id}', url: `/api/v1/integration-plans/${f.integrationPlan}` },
    { method: 'GET', path: '/api/v1/integration-plans/{id}/moves', url: `/api/v1/integration-plans/${f.integrationPlan}/moves` },
    { method: 'GET', path: '/api/v1/connections', url: '/api/v1/connections' },
    { method: 'GET', path: '/api/v1/connections/{id}', url: `/api/v1/connections/${f.connection}` },
    { method: 'GET', path: '/api/v1/live-sessions', url: `/api/v1/live-sessions?communityId=${f.community}` },
    { method: 'GET', path: '/api/v1/live-sessions/{id}', url: `/api/v1/live-sessions/${f.liveSession}` },
    { method: 'GET', path: '/api/v1/live-sessions/{id}/delivery', url: `/api/v1/live-sessions/${f.liveSession}/delivery` },
    { method: 'GET', path: '/api/v1/live-sessions/{id}/stats', url: `/api/v1/live-sessions/${f.liveSession}/stats` },
    { method: 'GET', path: '/api/v1/live-sessions/{id}/questions', url: `/api/v1/live-sessions/${f.liveSession}/questions` },
    { method: 'GET', path: '/api/v1/live-sessions/{id}/archive', url: `/api/v1/live-sessions/${f.liveEnded}/archive` },
    { method: 'GET', path: '/api/v1/links', url: '/api/v1/links' },
    { method: 'GET', path: '/api/v1/links/{id}', url: `/api/v1/links/${f.link}` },
    { method: 'GET', path: '/api/v1/analytics/overview', url: '/api/v1/analytics/overview' },
    { method: 'GET', path: '/api/v1/analytics/funnel', url: '/api/v1/analytics/funnel' },
    { method: 'GET', path: '/api/v1/analytics/retention', url: '/api/v1/analytics/retention' },
    { method: 'GET', path: '/api/v1/analytics/groups', url: '/api/v1/analytics/groups' },
    { method: 'GET', path: '/api/v1/analytics/value', url: '/api/v1/analytics/value' },
    { method: 'GET', path: '/api/v1/analytics/structure', url: '/api/v1/analytics/structure' },
    { method: 'GET', path: '/api/v1/analytics/team', url: '/api/v1/analytics/team' },
    { method: 'GET', path: '/api/v1/analytics/members', url: '/api/v1/analytics/members?silent=true' },
    { method: 'GET', path: '/api/v1/plan-templates', url: '/api/v1/plan-templates' },
    { method: 'GET', path: '/api/v1/alerts', url: '/api/v1/alerts?status=all' },
    { method: 'GET', path: '/api/v1/analytics/report', url: '/api/v1/analytics/report' },
    { method: 'GET', path: '/api/v1/analytics/voice', url: '/api/v1/analytics/voice' },
    { method: 'GET', path: '/api/v1/analytics/meetups', url: '/api/v1/analytics/meetups' },
    { method: 'GET', path: '/api/v1/analytics/replication', url: `/api/v1/analytics/replication?communityId=${f.community}` },
    { method: 'GET', path: '/api/v1/communities/{id}/circle-rollout', url: `/api/v1/communities/${f.community}/circle-rollout` },
    { method: 'GET', path: '/api/v1/analytics/referrals', url: '/api/v1/analytics/referrals' },
    { method: 'GET', path: '/api/v1/analytics/output', url: '/api/v1/analytics/output' },
    { method: 'GET', path: '/api/v1/analytics/roi', url: '/api/v1/analytics/roi' },
    { method: 'GET', path: '/api/v1/costs', url: '/api/v1/costs' },
    { method: 'GET', path: '/api/v1/event-supporters', url: '/api/v1/event-supporters' },
    { method: 'GET', path: '/api/v1/analytics/report.xlsx', url: '/api/v1/analytics/report.xlsx' },
    { method: 'GET', path: '/api/v1/analytics/reports', url: '/api/v1/analytics/reports' },
    { method: 'GET', path: '/api/v1/analytics/reports/{week}', url: `/api/v1/analytics/reports/${f.reportWeek}` },
    { method: 'GET', path: '/api/v1/analytics/reports/{week}/xlsx', url: `/api/v1/analytics/reports/${f.reportWeek}/xlsx` },
    { method: 'GET', path: '/api/v1/alert-hooks', url: '/api/v1/alert-hooks' },
    { method: 'GET', path: '/api/v1/plans', url: '/api/v1/plans' },
    { method: 'GET', path: '/api/v1/plans/{id}', url: `/api/v1/plans/${f.plan}` },
    { method: 'GET', path: '/api/v1/plans/{id}/tracking', url: `/api/v1/plans/${f.plan}/tracking` },
    { method: 'GET', path: '/api/v1/live-sessions/{id}/applications', url: `/api/v1/live-sessions/${f.liveSession}/applications` },
  ];
}

/**
 * The public operations: the member web app's invite pages and the recruitment page (no credentials), and
 * Telegram's webhook (no operator credentials; the connection's webhook secret, see test/telegram-webhook).
 */
export function publicCalls(f: Fixture): Call[] {
  return [
    { method: 'GET', path: '/api/v1/public/join/{code}', url: `/api/v1/public/join/${f.inviteCode}` },
    { method: 'POST', path: '/api/v1/public/join/{code}', url: `/api/v1/public/join/${f.inviteCode}`, body: { name: uniq('访客'), answers: ['路过'], consentAccepted: true, rulesAccepted: true } },
    { method: 'GET', path: '/api/v1/public/live-sessions/{id}', url: `/api/v1/public/live-sessions/${f.liveSession}` },
    { method: 'POST', path: '/api/v1/public/live-sessions/{id}/applications', url: `/api/v1/public/live-sessions/${f.liveSession}/applications`, body: { platform: 'qq', groupName: uniq('群'), applicant: '群主', contact: 'qq:10002' } },
    { method: 'POST', path: '/api/v1/connectors/telegram/{id}/webhook', url: `/api/v1/connectors/telegram/${f.connection}/webhook`, body: { update_id: 1 } },
    { method: 'GET', path: '/l/{code}', url: `/l/${f.linkCode}` },
  ];
}

/** The member app's operations (a member session, never an operator's credentials), aimed at the joiner's group. */
export function memberCalls(f: Fixture): Call[] {
  const g = f.group2;
  const u = uniq('m');
  return [
    { method: 'GET', path: '/api/v1/me', url: '/api/v1/me' },
    { method: 'PATCH', path: '/api/v1/me', url: '/api/v1/me', body: { city: '杭州' } },
    { method: 'POST', path: '/api/v1/me/sign-out', url: '/api/v1/me/sign-out' },
    { method: 'GET', path: '/api/v1/me/groups/{id}', url: `/api/v1/me/groups/${g}` },
    { method: 'GET', path: '/api/v1/me/groups/{id}/messages', url: `/api/v1/me/groups/${g}/messages` },
    { method: 'POST', path: '/api/v1/me/groups/{id}/messages', url: `/api/v1/me/groups/${g}/messages`, body: { clientId: `${u}-member`, text: u } },
    { method: 'POST', path: '/api/v1/me/groups/{id}/messages/{messageId}/highlight', url: `/api/v1/me/groups/${g}/messages/${f.teamMessage}/highlight` },
    { method: 'PUT', path: '/api/v1/me/groups/{id}/nickname', url: `/api/v1/me/groups/${g}/nickname`, body: { nickname: u } },
    { method: 'PUT', path: '/api/v1/me/groups/{id}/directory', url: `/api/v1/me/groups/${g}/directory`, body: { inDirectory: true } },
    { method: 'GET', path: '/api/v1/me/groups/{id}/members', url: `/api/v1/me/groups/${g}/members` },
    { method: 'GET', path: '/api/v1/me/groups/{id}/directory', url: `/api/v1/me/groups/${g}/directory` },
    { method: 'POST', path: '/api/v1/me/groups/{id}/reports', url: `/api/v1/me/groups/${g}/reports`, body: { targetType: 'message', targetId: f.teamMessage, reason: u } },
    { method: 'GET', path: '/api/v1/me/groups/{id}/questions', url: `/api/v1/me/groups/${g}/questions` },
    { method: 'GET', path: '/api/v1/me/groups/{id}/poster', url: `/api/v1/me/groups/${g}/poster` },
    { method: 'GET', path: '/api/v1/me/tasks', url: '/api/v1/me/tasks' },
    { method: 'POST', path: '/api/v1/me/tasks/{id}/done', url: `/api/v1/me/tasks/${f.task}/done` },
    { method: 'GET', path: '/api/v1/me/points', url: '/api/v1/me/points' },
    { method: 'GET', path: '/api/v1/me/replays', url: '/api/v1/me/replays' },
    { method: 'GET', path: '/api/v1/me/replays/{id}', url: `/api/v1/me/replays/${f.liveEnded}` },
    { method: 'POST', path: '/api/v1/me/groups/{id}/leave', url: `/api/v1/me/groups/${g}/leave` },
    { method: 'POST', path: '/api/v1/me/groups/{id}/uploads', url: `/api/v1/me/groups/${g}/uploads?name=${u}.png`, body: PNG_1x1 },
  ];
}

/** The smallest valid PNG: one transparent pixel. */
export const PNG_1x1 = new Uint8Array(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'));

/** The calls whose operation the running server documents (a table may name one that is still being built). */
export const documentedOnly = (calls: Call[], ops: OpenApiOperation[]) => calls.filter((c) => ops.some((o) => o.method === c.method && o.path === c.path));

export const call = (c: Client, x: Call) => c.request(x.method, x.url, x.body ?? (x.method === 'GET' || x.method === 'DELETE' ? undefined : {}));

/**
 * Merges and splits for the property tests, over slots of member ids (null: merged away or erased). A merge
 * empties the merged member's slot and remembers the merge; a split undoes the last one into the first empty
 * slot, unless the API refuses it (409: the merged member has since absorbed another; 404: the kept member was
 * erased since).
 */
export async function mergeSlots(api: Client, members: (string | null)[], merges: string[], kept: number, merged: number): Promise<void> {
  const [k, m] = [members[kept], members[merged]];
  if (!k || !m || k === m) return;
  const r = await api.post(`/api/v1/members/${k}/merge`, { mergeId: m });
  expectStatus(r, 201);
  merges.push(r.body.id);
  members[merged] = null;
}

export async function splitLastMerge(api: Client, members: (string | null)[], merges: string[]): Promise<void> {
  const id = merges.pop();
  if (!id) return;
  const r = await api.post(`/api/v1/member-merges/${id}/split`);
  if (r.status === 409 || r.status === 404) return;
  expectStatus(r, 200);
  members[members.indexOf(null)] = r.body.mergedId;
}
