import type { Kysely } from 'kysely';

// Rollups for the evaluation dashboards (评估精进): kept up to date in the same transaction as the activities
// they count, so a dashboard reads a few hundred rows where a raw scan would read millions. A scope is ''
// for the whole workspace, `c:<community>` or a group id. Days are local days (the workspace's analytics
// time zone in analytics_state) numbered from 1970-01-01; `shequn analytics rebuild` recomputes it all.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('analytics_state')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('rebuilt_at', 'bigint')
    .execute();
  // Activities per scope, local day and kind; `amount` sums payload.amountCents (purchases).
  await db.schema
    .createTable('activity_days')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('activity_days_pk', ['workspace_id', 'scope', 'day', 'kind'])
    .execute();
  // Messages per scope, local day and hour: the hour × weekday heat map.
  await db.schema
    .createTable('activity_hours')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('hour', 'integer', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('activity_hours_pk', ['workspace_id', 'scope', 'day', 'hour'])
    .execute();
  // A member active in a period (d00000 day, w0000 week from Monday, m00000 month): distinct actives without a scan.
  await db.schema
    .createTable('member_periods')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    // Presence only, no counts: a repeat in the same period is a conflict that writes nothing, where a count
    // rewrote the row on every message (the benchmark's largest rollup cost).
    .addPrimaryKeyConstraint('member_periods_pk', ['workspace_id', 'scope', 'member_id', 'period'])
    .execute();
  // A period's members (drill-down). Not on the counts: every message would move an index entry.
  await db.schema.createIndex('member_periods_period').on('member_periods').columns(['workspace_id', 'scope', 'period', 'member_id']).execute();
  // How many members each period has (the count of its member_periods rows).
  await db.schema
    .createTable('period_actives')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('period_actives_pk', ['workspace_id', 'scope', 'period'])
    .execute();
  // A member's first and last join, activity, consultation and purchase per scope: the funnel, cohorts, repurchase.
  await db.schema
    .createTable('member_milestones')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('milestone', 'text', (c) => c.notNull())
    .addColumn('first_at', 'bigint', (c) => c.notNull())
    .addColumn('last_at', 'bigint', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    // Purchases' amounts in cents: with first_at, last_at and n, a member's recency, frequency and money (RFM).
    .addColumn('amount', 'bigint', (c) => c.notNull())
    // first_at as it was before the last write (null on the row's first): a write's RETURNING shows which
    // joins and first reaches moved, so the cohort rollups follow without reading every row first.
    .addColumn('prev_first_at', 'bigint')
    .addPrimaryKeyConstraint('member_milestones_pk', ['workspace_id', 'scope', 'member_id', 'milestone'])
    .execute();
  // Join cohorts, keyed by the local day of a member's join in the scope (a range of days cuts them exactly):
  // how many of the day's joiners were active in each week and month (retention), and how many reached each
  // milestone with the sum of their waits from the join (the funnel's cohort). Rows at zero are removed.
  await db.schema
    .createTable('cohort_periods')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('join_day', 'integer', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('cohort_periods_pk', ['workspace_id', 'scope', 'join_day', 'period'])
    .execute();
  // Members whose first reach of a milestone fell on a local day, per scope: the funnel's "reached in the range"
  // without counting member rows.
  await db.schema
    .createTable('milestone_days')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('milestone', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('milestone_days_pk', ['workspace_id', 'scope', 'day', 'milestone'])
    .execute();
  await db.schema
    .createTable('cohort_milestones')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('join_day', 'integer', (c) => c.notNull())
    .addColumn('milestone', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addColumn('wait', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('cohort_milestones_pk', ['workspace_id', 'scope', 'join_day', 'milestone'])
    .execute();
  // Events (an attendance's payload.eventId, or its event name) per scope: when first held, how many attended.
  await db.schema
    .createTable('scope_events')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('event_key', 'text', (c) => c.notNull())
    .addColumn('first_at', 'bigint', (c) => c.notNull())
    .addColumn('attendances', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('scope_events_pk', ['workspace_id', 'scope', 'event_key'])
    .execute();
  await db.schema.createIndex('scope_events_first').on('scope_events').columns(['workspace_id', 'scope', 'first_at']).execute();
  // Activities by who made the content (OGC official, PGC experts and guests, UGC members), per scope and day.
  await db.schema
    .createTable('content_days')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('content_days_pk', ['workspace_id', 'scope', 'day', 'source'])
    .execute();
  // Reports kept as they were written (the weekly reports, kind `report:w<week>`): documents of their week,
  // which a rebuild leaves alone.
  await db.schema
    .createTable('analytics_snapshots')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'bigint', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('analytics_snapshots_pk', ['workspace_id', 'scope', 'kind'])
    .execute();
  await db.schema.createIndex('member_milestones_first').on('member_milestones').columns(['workspace_id', 'scope', 'milestone', 'first_at']).execute();
  // The most recently active first (meetup invitees).
  await db.schema.createIndex('member_milestones_last').on('member_milestones').columns(['workspace_id', 'scope', 'milestone', 'last_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['cohort_milestones', 'milestone_days', 'cohort_periods', 'content_days', 'scope_events', 'analytics_snapshots', 'member_milestones', 'period_actives', 'member_periods', 'activity_hours', 'activity_days', 'analytics_state']) await db.schema.dropTable(t).execute();
}
