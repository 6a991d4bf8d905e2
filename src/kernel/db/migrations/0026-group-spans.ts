import { SqliteAdapter, sql, type Kysely } from 'kysely';

// Each group's counts over aligned blocks of 2, 4, … 256 days (see modules/analytics/calendar.ts daySpans):
// the health board sums any range of any number of groups in a few rows per group instead of one per day.
// Filled from the day rollups already there.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('group_spans')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('span', 'integer', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_spans_pk', ['workspace_id', 'scope', 'kind', 'span'])
    .execute();
  for (let level = 1; level <= 8; level++) {
    const size = 2 ** level;
    await sql`INSERT INTO group_spans (workspace_id, scope, kind, span, n, amount)
      SELECT workspace_id, scope, kind, span, sum(n), sum(amount) FROM (
        SELECT workspace_id, scope, kind, ${sql.lit(level * 2 ** 20)} + day - day % ${sql.lit(size)} AS span, n, amount FROM activity_days
        WHERE scope <> '' AND scope NOT LIKE 'c:%' AND kind IN ('message', 'join', 'leave', 'purchase')) d
      GROUP BY workspace_id, scope, kind, span`.execute(db);
  }
  // Without statistics PostgreSQL reads a workspace's every span row and filters them (20 ms where the key
  // lookups take 1); autovacuum's analyze may come much later.
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) await sql`ANALYZE group_spans`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('group_spans').execute();
}
