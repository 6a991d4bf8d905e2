// Table types for Kysely. Timestamps are epoch milliseconds (bigint on PostgreSQL, integer on SQLite);
// JSON is stored as text on both dialects so that one query works on either; booleans are 0/1.

export interface WorkspaceTable {
  id: string;
  slug: string;
  name: string;
  settings: string;
  created_at: number;
}

export interface OperatorTable {
  id: string;
  workspace_id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string | null;
  scope: string | null;
  disabled: number;
  created_at: number;
  updated_at: number;
}

export interface SessionTable {
  id: string;
  workspace_id: string;
  operator_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface ApiTokenTable {
  id: string;
  workspace_id: string;
  name: string;
  role: string;
  scope: string | null;
  token_hash: string;
  created_by: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AuditLogTable {
  id: string;
  workspace_id: string;
  at: number;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  detail: string;
}

export interface CommunityTable {
  id: string;
  workspace_id: string;
  name: string;
  purpose: string;
  parent_id: string | null;
  leader_member_id: string | null;
  canvas: string;
  created_at: number;
  updated_at: number;
}

export interface PhaseTable {
  id: string;
  workspace_id: string;
  community_id: string;
  name: string;
  purpose: string;
  starts_on: string;
  ends_on: string;
  targets: string;
  budget_cents: number | null;
  platform_mix: string;
  created_at: number;
  updated_at: number;
}

export interface GroupSetTable {
  id: string;
  workspace_id: string;
  community_id: string | null;
  name: string;
  region: string | null;
  naming_pattern: string | null;
  created_at: number;
  updated_at: number;
}

export interface GroupTable {
  id: string;
  workspace_id: string;
  community_id: string;
  group_set_id: string | null;
  platform: string;
  external_id: string | null;
  name: string;
  kind: string;
  function: string;
  official: number;
  structure: string;
  capacity: number;
  status: string;
  region: string | null;
  /** JSON array of the group's tags. */
  tags: string;
  owner_type: string | null;
  owner_id: string | null;
  secretary_type: string | null;
  secretary_id: string | null;
  numbering: string;
  announcement: string | null;
  announcement_at: number | null;
  created_at: number;
  updated_at: number;
  /** The import that created the row (hidden while that import is not completed); null for rows made otherwise. */
  import_id?: string | null;
}

export interface MemberTable {
  id: string;
  workspace_id: string;
  display_name: string;
  gender: string | null;
  birth_year: number | null;
  city: string | null;
  occupation: string | null;
  skills: string;
  phone: string | null;
  phone_last4: string | null;
  email: string | null;
  tags: string;
  circle: string | null;
  source_channel: string | null;
  referrer_id: string | null;
  stage: string;
  stage_history: string;
  consent: string;
  joined_at: number;
  created_at: number;
  updated_at: number;
  /** The import that created the row (hidden while that import is not completed); null for rows made otherwise. */
  import_id?: string | null;
}

/** Search postings: name grams (`n:`), handle trigrams (`h:`), tags (`t:`), current groups (`g:`). */
export interface MemberTermTable {
  workspace_id: string;
  term: string;
  joined_at: number;
  member_id: string;
}

export interface IdentityTable {
  id: string;
  workspace_id: string;
  member_id: string;
  platform: string;
  external_id: string;
  handle: string | null;
  created_at: number;
  /** The import that created the row (hidden while that import is not completed); null for rows made otherwise. */
  import_id?: string | null;
}

export interface MembershipTable {
  id: string;
  workspace_id: string;
  group_id: string;
  member_id: string;
  number: number | null;
  number_display: string | null;
  number_scope: string | null;
  role: string;
  nickname: string | null;
  joined_at: number;
  left_at: number | null;
  invited_by: string | null;
  muted_until: number | null;
  in_directory: number;
  expert: number;
  /** The import that created the row (hidden while that import is not completed); null for rows made otherwise. */
  import_id?: string | null;
}

export interface MemberNumberTable {
  workspace_id: string;
  number_scope: string;
  number: number;
  member_id: string;
  display: string;
  assigned_at: number;
}

export interface NumberSequenceTable {
  workspace_id: string;
  scope_key: string;
  last_number: number;
}

export interface ActivityTable {
  id: string;
  workspace_id: string;
  kind: string;
  member_id: string | null;
  group_id: string | null;
  occurred_at: number;
  content_source: string | null;
  payload: string;
  source: string;
  source_id: string;
  created_at: number;
  /** The import that created the row (hidden while that import is not completed); null for rows made otherwise. */
  import_id?: string | null;
}

export interface RuleTable {
  id: string;
  workspace_id: string;
  family: string;
  type: string;
  target_type: string;
  target_id: string;
  settings: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

export interface InviteTable {
  id: string;
  workspace_id: string;
  code: string;
  target_type: string;
  target_id: string;
  referrer_member_id: string | null;
  created_at: number;
  revoked_at: number | null;
}

export interface JoinRequestTable {
  id: string;
  workspace_id: string;
  group_id: string;
  member_id: string | null;
  applicant: string;
  mode: string;
  status: string;
  reason: string | null;
  invite_id: string | null;
  referrer_member_id: string | null;
  created_at: number;
  decided_at: number | null;
  decided_by: string | null;
  session_id: string | null;
}

export interface MemberSessionTable {
  id: string;
  workspace_id: string;
  member_id: string | null;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface UploadTable {
  id: string;
  workspace_id: string;
  group_id: string;
  member_id: string | null;
  uploaded_by: string;
  sha256: string;
  mime: string;
  bytes: number;
  width: number;
  height: number;
  file_name: string;
  storage_key: string;
  /** JSON array of the texts of the QR codes found in the image. */
  qr_codes: string;
  created_at: number;
}

export interface ReportTable {
  id: string;
  workspace_id: string;
  group_id: string;
  reporter_member_id: string;
  target_type: string;
  target_id: string;
  target_member_id: string | null;
  reason: string;
  status: string;
  decision_note: string | null;
  created_at: number;
  decided_at: number | null;
  decided_by: string | null;
}

export interface QuestionTable {
  id: string;
  workspace_id: string;
  group_id: string;
  member_id: string;
  activity_id: string;
  text: string;
  status: string;
  answer_activity_id: string | null;
  answered_by: string | null;
  created_at: number;
  answered_at: number | null;
}

export interface OutboxTable {
  id: string;
  workspace_id: string;
  dedupe_key: string;
  action: string;
  platform: string;
  group_id: string | null;
  member_id: string | null;
  payload: string;
  origin_type: string;
  origin_id: string | null;
  reason: string | null;
  cause_activity_id: string | null;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  done_at: number | null;
  undone_at: number | null;
  undone_by: string | null;
  lane: string | null;
  seq: number;
  account: string | null;
  lease_until: number | null;
  ambiguous: number;
  sent_ref: string | null;
}

export interface BlacklistTable {
  workspace_id: string;
  member_id: string;
  reason: string;
  origin_id: string | null;
  created_at: number;
}

export interface RuleCheckpointTable {
  workspace_id: string;
  created_at: number;
  activity_id: string;
}

export interface TaskTable {
  id: string;
  workspace_id: string;
  member_id: string;
  group_id: string | null;
  title: string;
  detail: string;
  due_at: number | null;
  status: string;
  origin_type: string;
  origin_id: string | null;
  dedupe_key: string;
  created_at: number;
  completed_at: number | null;
  confirmed_at: number | null;
  confirmed_by: string | null;
}

export interface PointsTable {
  id: string;
  workspace_id: string;
  member_id: string;
  points: number;
  reason: string;
  rule_id: string | null;
  activity_id: string | null;
  dedupe_key: string;
  created_at: number;
}

export interface BadgeTable {
  workspace_id: string;
  member_id: string;
  badge: string;
  reason: string;
  rule_id: string | null;
  created_at: number;
}

export interface HighlightTable {
  workspace_id: string;
  activity_id: string;
  group_id: string;
  member_id: string | null;
  marked_by: string;
  created_at: number;
}

export interface ImportTable {
  id: string;
  workspace_id: string;
  format: string;
  file_name: string;
  file_key: string;
  community_id: string;
  status: string;
  records_done: number;
  bytes_total: number | null;
  bytes_done: number | null;
  added: string;
  report: string | null;
  error: string | null;
  created_by: string;
  started_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface MemberMergeTable {
  id: string;
  workspace_id: string;
  kept_id: string;
  merged_id: string;
  undo: string;
  evidence: string;
  merged_by: string;
  merged_at: number;
  split_by: string | null;
  split_at: number | null;
}

export interface MergeDecisionTable {
  workspace_id: string;
  member_a: string;
  member_b: string;
  decision: string;
  decided_by: string;
  decided_at: number;
}

export interface IntegrationPlanTable {
  id: string;
  workspace_id: string;
  community_id: string;
  name: string;
  status: string;
  groups: string;
  settings: string;
  result: string | null;
  group_set_id: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
  carried_out_at: number | null;
}

export interface IntegrationMoveTable {
  workspace_id: string;
  plan_id: string;
  member_id: string;
  from_group_id: string;
  to_group_id: string;
}

export interface ConnectionTable {
  id: string;
  workspace_id: string;
  platform: string;
  name: string;
  account_id: string;
  handle: string | null;
  credentials: string;
  status: string;
  last_error: string | null;
  checked_at: number | null;
  created_by: string;
  created_at: number;
  updated_at: number;
  poll_offset: number | null;
}

export interface GroupLinkTable {
  workspace_id: string;
  group_id: string;
  connection_id: string;
  chat_ref: string;
  status: string;
  /** The chat's public username without @ (null for a private chat), as this connection last heard it. */
  handle: string | null;
  updated_at: number;
}

export interface PlatformFileTable {
  workspace_id: string;
  connection_id: string;
  media_key: string;
  file_ref: string;
  created_at: number;
}

export interface ShortLinkTable {
  id: string;
  workspace_id: string;
  code: string;
  url: string;
  label: string | null;
  community_id: string | null;
  group_id: string | null;
  campaign: string | null;
  created_by: string;
  created_at: number;
}

export interface CostTable {
  id: string;
  workspace_id: string;
  community_id: string | null;
  subject: string;
  subject_key: string;
  /** YYYY-MM-DD. */
  spent_on: string;
  amount_cents: number;
  category: string | null;
  note: string | null;
  source: string;
  dedupe_key: string | null;
  created_by: string;
  created_at: number;
}

export interface EventSupporterTable {
  id: string;
  workspace_id: string;
  community_id: string | null;
  event_key: string;
  /** `firm` or `person`. */
  supporter_type: string;
  name: string;
  member_id: string | null;
  contribution: string | null;
  amount_cents: number | null;
  /** YYYY-MM-DD. */
  supported_on: string;
  source: string;
  dedupe_key: string | null;
  created_by: string;
  created_at: number;
}

export interface AnalyticsStateTable {
  workspace_id: string;
  timezone: string;
  rebuilt_at: number | null;
}

/** A workspace's members, kept by triggers on members (migration 0025). */
export interface MemberCountTable {
  workspace_id: string;
  members: number;
}

/** Activities written and not yet counted in the rollups: one row per write, `rows` a JSON array of QueuedRow. */
export interface RollupQueueTable {
  workspace_id: string;
  id: string;
  n: number;
  rows: string;
  created_at: number;
}

export interface ActivityDayTable {
  workspace_id: string;
  scope: string;
  day: number;
  kind: string;
  n: number;
  amount: number;
}

/** A group's counts of one kind over an aligned block of days: span = level × 2^20 + the block's first day. */
export interface GroupSpanTable {
  workspace_id: string;
  scope: string;
  span: number;
  messages: number;
  joins: number;
  leaves: number;
  /** Purchases' amounts in cents. */
  revenue: number;
}

export interface ActivityHourTable {
  workspace_id: string;
  scope: string;
  day: number;
  hour: number;
  n: number;
}

export interface MemberPeriodTable {
  workspace_id: string;
  scope: string;
  member_id: string;
  period: string;
}

export interface CircleTaskTable {
  workspace_id: string;
  community_id: string;
  circle: string;
  task: string;
  done_at: number;
  /** The actor who marked it done (an operator or token id). */
  done_by: string;
  note: string;
}

export interface VoiceDayTable {
  workspace_id: string;
  scope: string;
  day: number;
  messages: number;
  positive: number;
  negative: number;
  /** Replies between members (a member quoting another member). */
  replies: number;
}

export interface TermDayTable {
  workspace_id: string;
  scope: string;
  day: number;
  term: string;
  n: number;
}

export interface VoiceNegativeTable {
  workspace_id: string;
  activity_id: string;
  group_id: string | null;
  day: number;
}

export interface VoiceCheckpointTable {
  workspace_id: string;
  created_at: number;
  activity_id: string;
}

export interface AlertTable {
  id: string;
  workspace_id: string;
  kind: string;
  subject_type: string;
  subject_id: string;
  severity: string;
  title: string;
  /** JSON: the figures behind the alert. */
  data: string;
  status: string;
  opened_at: number;
  resolved_at: number | null;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  notify_attempts: number;
  notify_at: number;
  notified_at: number | null;
}

export interface AlertHookTable {
  id: string;
  workspace_id: string;
  url: string;
  secret: string;
  created_by: string;
  created_at: number;
}

export interface PlanTable {
  id: string;
  workspace_id: string;
  name: string;
  community_id: string | null;
  /** YYYY-MM */
  start_month: string;
  template: string | null;
  /** JSON PlanContent: baseline, years with targets, milestones, risks. */
  content: string;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export interface PlanActualTable {
  workspace_id: string;
  plan_id: string;
  month: string;
  metric: string;
  value: number;
  source: string;
  updated_by: string;
  updated_at: number;
}

export interface ScopeEventTable {
  workspace_id: string;
  scope: string;
  event_key: string;
  first_at: number;
  attendances: number;
}

export interface ContentDayTable {
  workspace_id: string;
  scope: string;
  day: number;
  source: string;
  n: number;
}

export interface AnalyticsSnapshotTable {
  workspace_id: string;
  scope: string;
  kind: string;
  computed_at: number;
  data: string;
}

export interface PeriodActiveTable {
  workspace_id: string;
  scope: string;
  period: string;
  n: number;
}

export interface MemberMilestoneTable {
  workspace_id: string;
  scope: string;
  member_id: string;
  milestone: string;
  first_at: number;
  last_at: number;
  n: number;
  amount: number;
  prev_first_at: number | null;
}

export interface CohortPeriodTable {
  workspace_id: string;
  scope: string;
  join_day: number;
  period: string;
  n: number;
}

export interface MilestoneDayTable {
  workspace_id: string;
  scope: string;
  day: number;
  milestone: string;
  n: number;
}

export interface ScopeSeatTable {
  workspace_id: string;
  scope: string;
  seats: number;
  people: number;
}

export interface ScopeMemberSeatTable {
  workspace_id: string;
  scope: string;
  member_id: string;
  seats: number;
}

export interface CohortMilestoneTable {
  workspace_id: string;
  scope: string;
  join_day: number;
  milestone: string;
  n: number;
  wait: number;
}

export interface LiveSessionTable {
  id: string;
  workspace_id: string;
  community_id: string;
  title: string;
  cover_url: string | null;
  description: string | null;
  scheduled_at: number | null;
  main_group_id: string;
  host: string;
  speakers: string;
  targeting: string;
  settings: string;
  status: string;
  started_at: number | null;
  ended_at: number | null;
  summary: string | null;
  cursor_at: number | null;
  cursor_id: string | null;
  reminded: string;
  rebroadcasts: number;
  rule_id: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export interface LiveTargetTable {
  workspace_id: string;
  session_id: string;
  group_id: string;
  origin: string;
  added_at: number;
}

export interface LiveMessageTable {
  id: string;
  workspace_id: string;
  session_id: string;
  seq: number;
  kind: string;
  activity_id: string;
  speaker: string;
  payload: string;
  hidden: number;
  edited_text: string | null;
  recalled: number;
  at: number;
}

export interface LiveQuestionTable {
  id: string;
  workspace_id: string;
  session_id: string;
  group_id: string;
  member_id: string | null;
  asker: string;
  text: string;
  same_as: string | null;
  status: string;
  answer: string | null;
  answered_by: string | null;
  answered_at: number | null;
  activity_id: string;
  asked_at: number;
}

export interface LiveApplicationTable {
  id: string;
  workspace_id: string;
  session_id: string;
  platform: string;
  group_name: string;
  group_ref: string | null;
  applicant: string;
  contact: string;
  members: number | null;
  note: string | null;
  status: string;
  group_id: string | null;
  decided_by: string | null;
  decided_at: number | null;
  reason: string | null;
  created_at: number;
}

export interface Database {
  workspaces: WorkspaceTable;
  operators: OperatorTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  audit_log: AuditLogTable;
  communities: CommunityTable;
  phases: PhaseTable;
  group_sets: GroupSetTable;
  groups: GroupTable;
  members: MemberTable;
  member_terms: MemberTermTable;
  identities: IdentityTable;
  memberships: MembershipTable;
  member_numbers: MemberNumberTable;
  number_sequences: NumberSequenceTable;
  activities: ActivityTable;
  rules: RuleTable;
  invites: InviteTable;
  join_requests: JoinRequestTable;
  member_sessions: MemberSessionTable;
  uploads: UploadTable;
  reports: ReportTable;
  questions: QuestionTable;
  outbox: OutboxTable;
  blacklist: BlacklistTable;
  rule_checkpoints: RuleCheckpointTable;
  tasks: TaskTable;
  points: PointsTable;
  badges: BadgeTable;
  highlights: HighlightTable;
  imports: ImportTable;
  member_merges: MemberMergeTable;
  merge_decisions: MergeDecisionTable;
  integration_plans: IntegrationPlanTable;
  integration_moves: IntegrationMoveTable;
  connections: ConnectionTable;
  group_links: GroupLinkTable;
  platform_files: PlatformFileTable;
  live_sessions: LiveSessionTable;
  short_links: ShortLinkTable;
  costs: CostTable;
  event_supporters: EventSupporterTable;
  analytics_state: AnalyticsStateTable;
  rollup_queue: RollupQueueTable;
  member_counts: MemberCountTable;
  activity_days: ActivityDayTable;
  group_spans: GroupSpanTable;
  activity_hours: ActivityHourTable;
  member_periods: MemberPeriodTable;
  period_actives: PeriodActiveTable;
  member_milestones: MemberMilestoneTable;
  cohort_periods: CohortPeriodTable;
  cohort_milestones: CohortMilestoneTable;
  milestone_days: MilestoneDayTable;
  scope_seats: ScopeSeatTable;
  scope_member_seats: ScopeMemberSeatTable;
  analytics_snapshots: AnalyticsSnapshotTable;
  scope_events: ScopeEventTable;
  content_days: ContentDayTable;
  plans: PlanTable;
  plan_actuals: PlanActualTable;
  alerts: AlertTable;
  alert_hooks: AlertHookTable;
  voice_days: VoiceDayTable;
  circle_tasks: CircleTaskTable;
  term_days: TermDayTable;
  voice_negatives: VoiceNegativeTable;
  voice_checkpoints: VoiceCheckpointTable;
  live_targets: LiveTargetTable;
  live_messages: LiveMessageTable;
  live_questions: LiveQuestionTable;
  live_applications: LiveApplicationTable;
}

/** Tables whose every row belongs to one workspace; TenantDb scopes them by construction. */
export type TenantTable = Exclude<keyof Database, 'workspaces'>;
