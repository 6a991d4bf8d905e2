// A small client for /api/v1: JSON in and out, the session cookie travels by itself, writes echo the
// CSRF token (readable cookie shequn_csrf, set at sign-in), errors become ApiError with the problem.
import { readResponse } from '../../shared/response';

export type { ChatFile, ChatItem } from '../../shared/api-types';

export interface FieldError {
  field: string;
  reason: string;
}
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
  }
  get status() {
    return this.problem.status;
  }
}

function csrfToken(): string {
  const m = /(?:^|;\s*)shequn_csrf=([^;]*)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]!) : '';
}

/** Called when any request answers 401, so the app can go back to the sign-in page. */
let onUnauthorized: () => void = () => {};
export const setUnauthorizedHandler = (fn: () => void) => {
  onUnauthorized = fn;
};

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return send<T>(method, path, headers, body === undefined ? undefined : JSON.stringify(body));
}

/**
 * Raw bytes as the body (an image upload, a chat export); the server reads the type from the bytes. The Blob
 * goes to fetch as it is, so the browser streams it from disk instead of holding it in memory.
 */
export const upload = <T>(path: string, file: Blob, type = file.type || 'application/octet-stream') =>
  send<T>('POST', path, { accept: 'application/json', 'content-type': type }, file);

async function send<T>(method: string, path: string, headers: Record<string, string>, body: BodyInit | undefined): Promise<T> {
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken();
  const res = await fetch(`/api/v1${path}`, { method, headers, body, credentials: 'same-origin' });
  if (res.status === 204) return undefined as T;
  const { data, problem: p } = await readResponse<Problem>(res);
  if (p) {
    if (res.status === 401 && !path.startsWith('/auth/sign-in')) onUnauthorized();
    throw new ApiError({ type: p.type ?? 'about:blank', title: p.title, status: p.status, detail: p.detail, code: p.code, errors: p.errors });
  }
  return data as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const del = (path: string) => api<void>('DELETE', path);

/** A query string from the defined, non-empty values. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

// ---- API shapes (the subset the console reads; the server's zod schemas are the source) ----
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export interface Me {
  operator: Operator | null;
  actor: { kind: string; id: string | null; name: string; role: string };
  permissions: string[];
  workspace: { id: string; slug: string; name: string };
  csrfToken: string | null;
}
export interface Scope {
  communities: string[];
  groupSets: string[];
  regions: string[];
}
export interface Operator {
  id: string;
  email: string;
  name: string;
  role: string;
  scope: Scope | null;
  disabled: boolean;
  createdAt: string;
}
export interface ApiToken {
  id: string;
  name: string;
  role: string;
  scope: Scope | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
export interface AuditEntry {
  id: string;
  at: string;
  actor: { type: string; id: string | null; name: string | null };
  action: string;
  target: { type: string | null; id: string | null };
  detail: Record<string, unknown>;
}
export interface Canvas {
  sharedInterest: { description: string; basis: string | null };
  valueToMembers: { description: string; type: string | null };
  valueToBuilder: { description: string; type: string | null };
  valueChecklist: { painPoint: string; returnCarrier: string };
  readiness: { peopleAndMoney: boolean; contentAndService: boolean; timeAndPatience: boolean; productAndMarketingModel: boolean; notes: string };
  tone: string;
  competitors: string[];
  budgetCents: number | null;
  persona: { genders: string[]; ageMin: number | null; ageMax: number | null; cities: string[]; interests: string[]; occupations: string[] };
  lifecycle: { startsOn: string | null; plannedEndOn: string | null; basis: string };
  monetization: string[];
  kpi: { memberFloor: number; activeMemberRate: number; eventsPerGroupPerYear: number; revenuePerMemberPerYearCents: number };
}
export interface Community {
  id: string;
  name: string;
  purpose: string;
  parentId: string | null;
  leaderMemberId: string | null;
  canvas: Canvas;
  createdAt: string;
  updatedAt: string;
}
export interface Phase {
  id: string;
  communityId: string;
  name: string;
  purpose: string;
  startsOn: string;
  endsOn: string;
  targets: { fans: number | null; clickRate: number | null; consultations: number | null; salesCents: number | null };
  budgetCents: number | null;
  platformMix: { platform: string; share: number }[];
  createdAt: string;
}
export interface Group {
  id: string;
  communityId: string;
  groupSetId: string | null;
  platform: string;
  externalId: string | null;
  name: string;
  kind: string;
  function: string;
  official: boolean;
  structure: string;
  capacity: number;
  status: string;
  region: string | null;
  /** Free tags (older servers leave them out). */
  tags?: string[];
  memberCount: number;
  /** The pinned announcement (older servers leave it out). */
  announcement?: { text: string; at: string } | null;
  createdAt: string;
}
export interface Membership {
  id: string;
  groupId: string;
  memberId: string;
  number: number | null;
  numberDisplay: string | null;
  role: string;
  nickname: string | null;
  joinedAt: string;
  leftAt: string | null;
}
export interface Member {
  id: string;
  displayName: string;
  gender: string | null;
  birthYear: number | null;
  city: string | null;
  occupation: string | null;
  phone: string | null;
  email: string | null;
  tags: string[];
  circle: string | null;
  sourceChannel: string | null;
  stage: string;
  joinedAt: string;
}
export interface MemberDetail extends Member {
  identities: { id: string; platform: string; externalId: string; handle: string | null; createdAt: string }[];
  memberships: Membership[];
}
export interface Activity {
  id: string;
  kind: string;
  memberId: string | null;
  groupId: string | null;
  occurredAt: string;
  contentSource: string | null;
  payload: Record<string, unknown>;
  source: string;
}
export interface Overview {
  members: number;
  groups: number;
  communities: number;
  activitiesLast7Days: number;
  activitiesPerDay: { day: string; count: number }[];
  /** Messages since midnight (at the offset asked for) and in the last 7 days; joins and leaves in the last 7 days. */
  messagesToday: number;
  messagesLast7Days: number;
  joinsLast7Days: number;
  leavesLast7Days: number;
}
/** GET /stats/groups: per group, messages per day (oldest first, one per `days` entry), joins and leaves; groups with none are absent. */
export interface GroupActivity {
  groupId: string;
  messagesPerDay: number[];
  messages: number;
  joins: number;
  leaves: number;
}
export interface GroupStats {
  days: string[];
  items: GroupActivity[];
}
export interface GroupSet {
  id: string;
  name: string;
  communityId: string | null;
  region: string | null;
  namingPattern: string | null;
  groupCount: number;
  createdAt: string;
}
export interface RenamePreview {
  groupId: string;
  from: string;
  to: string;
}
export type RuleTargetType = 'group' | 'group_set' | 'community';
export interface Rule {
  id: string;
  family: string;
  type: string;
  targetType: RuleTargetType;
  targetId: string;
  settings: Record<string, unknown>;
  enabled: boolean;
  /** What the rule does, in plain zh-CN (from the server). */
  preview: string;
  createdAt: string;
  updatedAt: string;
}
export interface Invite {
  id: string;
  code: string;
  targetType: 'group' | 'group_set';
  targetId: string;
  referrerMemberId: string | null;
  /** The member web app's page for this invite (prefix with the origin for the full link). */
  path: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface UploadedImage {
  id: string;
  groupId: string;
  mime: string;
  bytes: number;
  width: number;
  height: number;
  name: string;
  url: string;
  createdAt: string;
}
export interface JoinRequest {
  id: string;
  groupId: string;
  memberId: string | null;
  applicant: { name: string; phone: string | null; answers: { question: string; answer: string }[]; nickname: string | null };
  mode: string;
  status: 'pending' | 'approved' | 'rejected' | 'completed';
  reason: string | null;
  inviteId: string | null;
  referrerMemberId: string | null;
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
}
export interface Report {
  id: string;
  groupId: string;
  reporterMemberId: string;
  targetType: 'message' | 'member';
  targetId: string;
  targetMemberId: string | null;
  excerpt: string | null;
  reason: string;
  status: 'open' | 'confirmed' | 'dismissed';
  decisionNote: string | null;
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
}
export interface Question {
  id: string;
  groupId: string;
  memberId: string;
  activityId: string;
  text: string;
  status: 'open' | 'answered';
  answerActivityId: string | null;
  answeredBy: string | null;
  createdAt: string;
  answeredAt: string | null;
}
/** The counts an import reports: what the file held (report) or what it added (added). */
export interface ImportCounts {
  groups: number;
  members: number;
  messages: number;
  service_events: number;
}
export interface ChatImport {
  id: string;
  format: string;
  fileName: string;
  communityId: string;
  status: 'running' | 'completed' | 'failed';
  recordsDone: number;
  /** The upload's size and how far the reader is in it (null where the import has no file size). */
  bytesTotal: number | null;
  bytesDone: number | null;
  added: ImportCounts;
  error: string | null;
  createdBy: string;
  startedAt: string;
  finishedAt: string | null;
  report: (ImportCounts & { skipped: number; skippedReasons: { reason: string; count: number; first: string }[]; resumedFrom: number }) | null;
}

/** Who is who: members who may be one person, with what points to it. */
export interface Evidence {
  kind: 'phone' | 'email' | 'name' | 'city' | 'groups' | 'platforms';
  detail: string;
}
export interface MemberBrief {
  id: string;
  displayName: string;
  city: string | null;
  platforms: string[];
  groups: number;
}
export interface MergeSuggestion {
  a: MemberBrief;
  b: MemberBrief;
  confidence: number;
  evidence: Evidence[];
}
export interface MemberMerge {
  id: string;
  keptId: string;
  mergedId: string;
  mergedName: string;
  evidence: Evidence[];
  mergedBy: string;
  mergedAt: string;
  splitAt: string | null;
}
export interface DuplicatesReport {
  seats: number;
  people: number;
  inSeveral: number;
  groups: { id: string; name: string; platform: string; seats: number }[];
  overlap: { a: string; b: string; shared: number }[];
}

// ---- 直播 live relay (src/modules/relay/relay.schema.ts) ----
export type LiveStatus = 'scheduled' | 'live' | 'paused' | 'ended';
export interface LivePerson {
  type: 'member' | 'operator';
  id: string;
}
export interface LiveTargeting {
  groupIds: string[];
  communityIds: string[];
  groupSetIds: string[];
  kinds: string[];
  regions: string[];
  /** Every group carrying any of these tags (older servers leave it out). */
  tags?: string[];
}
export interface LiveSettings {
  /** Minutes before the scheduled start. */
  reminders: number[];
  autoStart: boolean;
  questionPrefixes?: string[];
  notices: boolean;
}
export interface LiveSession {
  id: string;
  communityId: string;
  title: string;
  description: string | null;
  coverUrl: string | null;
  scheduledAt: string | null;
  mainGroupId: string;
  /** The sharing rule relayed (分享系列): set on the series and on each of its occurrences. */
  ruleId: string | null;
  /** On an occurrence: the series it was cloned from (null for the series itself and a session of its own). */
  seriesId: string | null;
  host: LivePerson & { name: string };
  speakers: (LivePerson & { name: string })[];
  targeting: LiveTargeting;
  settings: LiveSettings;
  status: LiveStatus;
  startedAt: string | null;
  endedAt: string | null;
  summary: string | null;
  targetCount: number;
  messageCount: number;
  rebroadcasts: number;
  createdBy: string;
  createdAt: string;
}
export type LiveDeliveryState = 'delivered' | 'queued' | 'retrying' | 'failed' | 'idle';
export interface LiveDeliveryGroup {
  groupId: string;
  name: string;
  platform: string;
  origin: 'plan' | 'recruit';
  delivered: number;
  queued: number;
  retrying: number;
  failed: number;
  ambiguous: number;
  state: LiveDeliveryState;
  lastError: string | null;
  lagMs: number;
}
export interface LiveDelivery {
  sessionId: string;
  messages: number;
  totals: { delivered: number; queued: number; retrying: number; failed: number; ambiguous: number };
  slowestLagMs: number;
  groups: LiveDeliveryGroup[];
}
export interface LiveMessage {
  id: string;
  seq: number;
  kind: 'speech' | 'answer' | 'notice';
  speaker: string;
  text: string;
  originalText: string | null;
  image: { url: string; width: number; height: number } | null;
  replyToSeq: number | null;
  question: { asker: string; group: string; text: string } | null;
  hidden: boolean;
  at: string;
}
export interface LiveQuestion {
  id: string;
  groupId: string;
  groupName: string;
  memberId: string | null;
  asker: string;
  text: string;
  status: 'open' | 'answered' | 'dismissed';
  repeats: { id: string; groupName: string; asker: string; text: string }[];
  answer: string | null;
  answeredAt: string | null;
  askedAt: string;
}
export interface LiveApplication {
  id: string;
  sessionId: string;
  platform: string;
  groupName: string;
  groupRef: string | null;
  applicant: string;
  contact: string;
  members: number | null;
  note: string | null;
  status: 'pending' | 'approved' | 'rejected';
  groupId: string | null;
  reason: string | null;
  createdAt: string;
  decidedAt: string | null;
  /** On a pending one: the group approving it adds (found by its chat id, public @username or name), or why none. */
  match: {
    groupId: string | null;
    groupName: string | null;
    by: 'id' | 'username' | 'name' | null;
    problem: 'private_link' | 'unknown_username' | 'not_found' | null;
    reason: string | null;
  } | null;
}
export interface LiveStats {
  groupsTargeted: number;
  groupsReached: number;
  membersReached: number;
  messagesRelayed: number;
  questionsAsked: number;
  questionsAnswered: number;
  perGroup: { groupId: string; name: string; during: number; after: number }[];
  ambiguous: number;
}

// ---- 短链接 tracked short links (src/modules/links/links.schema.ts) ----
export interface LinkCreate {
  url: string;
  label?: string;
  communityId?: string;
  groupId?: string;
  campaign?: string;
}
export interface Link {
  id: string;
  code: string;
  /** The address to post: `<public url>/l/<code>`. */
  shortUrl: string;
  url: string;
  label: string | null;
  communityId: string | null;
  groupId: string | null;
  campaign: string | null;
  createdBy: string;
  createdAt: string;
  /** Clicks by people (chat apps' link previews and crawlers are not counted). */
  clicks: number;
}
export interface LinkStats extends Link {
  /** Members recognised (a member-app session on the device), each once. */
  people: number;
  /** Clicks by known members who are not in the link's group: it travelled. */
  forwarded: number;
  /** Clicks by someone Shequn does not know. */
  anonymous: number;
  byGroup: { groupId: string | null; clicks: number }[];
  byCircle: { circle: string | null; clicks: number }[];
  /** Local days (at the tzOffsetMinutes asked for), oldest first; days without clicks are absent. */
  byDay: { day: string; clicks: number }[];
}

// ---- 评估精进: the evaluation dashboards (GET /analytics/…, read from the rollups) and alerts ----
// The server's own response schemas, as types (erased from the bundle): the console cannot drift from them.
type A = typeof import('../../../src/modules/analytics/analytics.schema.ts');
type Out<K extends keyof A> = A[K] extends import('zod').ZodType ? import('zod').infer<A[K]> : never;
export type AnalyticsOverview = Out<'OverviewSchema'>;
export type AnalyticsScope = AnalyticsOverview['scope'];
/** A span of local days (YYYY-MM-DD, both included) in the analytics time zone. */
export type AnalyticsRange = AnalyticsOverview['range'];
export type AnalyticsFunnel = Out<'FunnelSchema'>;
export type FunnelStage = AnalyticsFunnel['stages'][number]['stage'];
export type AnalyticsRetention = Out<'RetentionSchema'>;
export type RetentionPeriod = AnalyticsRetention['period'];
export type GroupHealthReport = Out<'GroupHealthSchema'>;
export type GroupHealth = GroupHealthReport['items'][number];
export type HealthReasonCode = GroupHealth['reasons'][number]['code'];
export type AnalyticsValue = Out<'ValueSchema'>;
export type AnalyticsRoi = Out<'RoiSchema'>;
export type AnalyticsOutput = Out<'OutputSchema'>;
type S = typeof import('../../../src/modules/supporters/supporters.schema.ts');
export type EventSupporter = import('zod').infer<S['SupporterSchema']>;
export type SupporterImportReport = import('zod').infer<S['SupporterImportReportSchema']>;
type C = typeof import('../../../src/modules/costs/costs.schema.ts');
export type Cost = import('zod').infer<C['CostSchema']>;
export type CostInput = import('zod').input<C['CostInputSchema']>;
export type CostSubject = Cost['subject'];
export type CostImportReport = import('zod').infer<C['CostImportReportSchema']>;
export type RfmSegment = AnalyticsValue['rfm'][number]['segment'];
export type AnalyticsStructure = Out<'StructureSchema'>;
export type StructureBucket = AnalyticsStructure['distributions']['gender'][number];
export type StructureSegment = AnalyticsStructure['byPlatform'][number];
export type StructureDimension = AnalyticsStructure['deviations'][number]['dimension'];
export type DistributionKey = keyof AnalyticsStructure['distributions'];
export type AnalyticsTeam = Out<'TeamSchema'>;
export type TeamCard = AnalyticsTeam['items'][number];
export type AnalyticsVoice = Out<'VoiceSchema'>;
export type AnalyticsMeetups = Out<'MeetupSchema'>;
export type AnalyticsReplication = Out<'ReplicationSchema'>;
export type CircleRollout = Out<'CircleRolloutSchema'>;
export type MeetupCity = AnalyticsMeetups['cities'][number];
export type MeetupInvitee = AnalyticsMeetups['invitees'][number];
export type DrillMember = Out<'DrillSchema'>['items'][number];
/** What GET /analytics/members drills into: exactly one of these. */
export type DrillTarget = { period: string } | { milestone: FunnelStage } | { segment: RfmSegment } | { silent: true };
export type AnalyticsReport = Out<'ReportSchema'>;
export type WeeklyReportRef = Out<'WeeklyReportListSchema'>['items'][number];
type Alerts = typeof import('../../../src/modules/alerts/alerts.schema.ts');
export type AlertItem = import('zod').infer<Alerts['AlertSchema']>;
export type AlertKind = AlertItem['kind'];
export type AlertHook = import('zod').infer<Alerts['AlertHookSchema']>;

// ---- 评估精进 › 计划与实际 (GET/POST /plans, /plans/{id}/tracking, /plans/{id}/actuals) ----
export type PlanFigures = Partial<Record<string, number>>;
export interface PlanContent {
  baseline: PlanFigures;
  years: { targets: PlanFigures; notes: string }[];
  milestones: { year: number; quarter: number; title: string; tasks: string[] }[];
  risks: { title: string; mitigation: string }[];
}
export interface PlanTemplate {
  key: string;
  name: string;
  description: string;
  content: PlanContent;
}
export interface Plan {
  id: string;
  name: string;
  communityId: string | null;
  startMonth: string;
  endMonth: string;
  template: string | null;
  content: PlanContent;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}
export type TrackingPeriod = 'month' | 'quarter' | 'year';
export type TrackingStatus = 'ahead' | 'on_track' | 'behind' | 'over_budget' | 'no_plan' | 'no_actual' | 'future';
export interface TrackingCell {
  plan: number | null;
  actual: number | null;
  ratio: number | null;
  status: TrackingStatus;
}
export interface PlanMetric {
  key: string;
  zh: string;
  en: string;
  kind: 'stock' | 'flow' | 'rate' | 'ytd';
  direction: 'up' | 'budget';
  money: boolean;
  actual: 'computed' | 'entered';
}
export interface PlanTracking {
  plan: { id: string; name: string; startMonth: string; endMonth: string; communityId: string | null };
  period: TrackingPeriod;
  metrics: PlanMetric[];
  periods: { key: string; label: string; cells: Record<string, TrackingCell> }[];
  behind: { metric: string; period: string; plan: number; actual: number; ratio: number }[];
}
export interface ActualsImportReport {
  rows: number;
  entries: number;
  months: string[];
}
