import type { Kysely } from 'kysely';

// The group health board reads, for every group, a few aligned spans, a few edge days and the range's weeks.
// Keyed by group first, that was one index lookup per group, kind and span: 40,000 lookups and 162 ms for 403
// groups on SQLite (measured). Keyed by span (day, week) first, one range per span and kind holds every
// group's row, in the index itself: 5 ms for the same rows.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('group_spans_span').on('group_spans').columns(['workspace_id', 'span', 'kind', 'scope', 'n', 'amount']).execute();
  await db.schema.createIndex('activity_days_day').on('activity_days').columns(['workspace_id', 'day', 'kind', 'scope', 'n', 'amount']).execute();
  await db.schema.createIndex('period_actives_period').on('period_actives').columns(['workspace_id', 'period', 'scope', 'n']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['group_spans_span', 'activity_days_day', 'period_actives_period']) await db.schema.dropIndex(name).execute();
}
