import type { Kysely } from 'kysely';

// The rollups' queue: a write of new activities leaves one row here (what the rollups need of each activity),
// in its own transaction; the rollup runner, or a dashboard read, counts them in large batches and deletes
// the rows in the same transaction as the counts. See modules/analytics/rollup.ts for why.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rollup_queue')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('rows', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollup_queue_pk', ['workspace_id', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rollup_queue').execute();
}
