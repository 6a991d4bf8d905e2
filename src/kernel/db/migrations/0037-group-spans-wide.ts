import { SqliteAdapter, sql, type Kysely } from 'kysely';

// group_spans held a row per group, kind and span; the health board reads four kinds over the range, so a
// range cost four rows per group and span: 7,377 rows summed from about 30,000 for 2,039 groups over 90 days
// (SQLite: 17 ms of the board's 58 ms of SQL). One row per group and span with a column per figure reads a
// quarter of the rows, and the rollup runner writes one row where it wrote up to four. Single days are spans
// too now (level 0, keyed by the day itself), so the range's edge days come from the same rows and the board
// reads each window in one statement, no longer also from activity_days (a row per kind and scope there).
// Refilled from the day rollups, as migration 0026 filled the first table. activity_days_day (migration 0030)
// served only those edge days: it goes, and with it an index entry the rollup runner moved on every upsert of
// a day's count (n and amount were in it).
const FIGURES = sql`sum(case when kind = 'message' then n else 0 end), sum(case when kind = 'join' then n else 0 end),
  sum(case when kind = 'leave' then n else 0 end), sum(case when kind = 'purchase' then amount else 0 end)`;

/** A day's span of `level` in SQL, as calendar.ts spanOf computes it (days are never negative here). */
const spanOf = (level: number) => sql`${sql.lit(level * 2 ** 20)} + day - day % ${sql.lit(2 ** level)}`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('group_spans').execute();
  await db.schema
    .createTable('group_spans')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('span', 'integer', (c) => c.notNull())
    .addColumn('messages', 'bigint', (c) => c.notNull())
    .addColumn('joins', 'bigint', (c) => c.notNull())
    .addColumn('leaves', 'bigint', (c) => c.notNull())
    /** Purchases' amounts in cents. */
    .addColumn('revenue', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_spans_pk', ['workspace_id', 'scope', 'span'])
    .execute();
  for (let level = 0; level <= 8; level++) {
    await sql`INSERT INTO group_spans (workspace_id, scope, span, messages, joins, leaves, revenue)
      SELECT workspace_id, scope, ${spanOf(level)} AS span, ${FIGURES} FROM activity_days
      WHERE scope <> '' AND scope NOT LIKE 'c:%' AND kind IN ('message', 'join', 'leave', 'purchase')
      GROUP BY workspace_id, scope, ${spanOf(level)}`.execute(db);
  }
  await db.schema.createIndex('group_spans_span').on('group_spans').columns(['workspace_id', 'span', 'scope', 'messages', 'joins', 'leaves', 'revenue']).execute();
  await db.schema.dropIndex('activity_days_day').ifExists().execute();
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) await sql`ANALYZE group_spans`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('activity_days_day').on('activity_days').columns(['workspace_id', 'day', 'kind', 'scope', 'n', 'amount']).execute();
  await db.schema.dropTable('group_spans').execute();
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
    await sql`INSERT INTO group_spans (workspace_id, scope, kind, span, n, amount)
      SELECT workspace_id, scope, kind, ${spanOf(level)} AS span, sum(n), sum(amount) FROM activity_days
      WHERE scope <> '' AND scope NOT LIKE 'c:%' AND kind IN ('message', 'join', 'leave', 'purchase')
      GROUP BY workspace_id, scope, kind, ${spanOf(level)}`.execute(db);
  }
  await db.schema.createIndex('group_spans_span').on('group_spans').columns(['workspace_id', 'span', 'kind', 'scope', 'n', 'amount']).execute();
}
