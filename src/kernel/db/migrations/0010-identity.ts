import type { Kysely } from 'kysely';

// Identity resolution: merges of two members into one (undoable: the merged member's row, the rows moved to
// the kept member and the memberships dropped as duplicates are kept until a split puts them back), and the
// operators' rejections of suggested merges (so a rejected pair is not suggested again).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('member_merges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('kept_id', 'text', (c) => c.notNull())
    .addColumn('merged_id', 'text', (c) => c.notNull())
    /** JSON: the merged member's row, the kept member's row before, the memberships dropped, the moves. */
    .addColumn('undo', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('merged_by', 'text', (c) => c.notNull())
    .addColumn('merged_at', 'bigint', (c) => c.notNull())
    .addColumn('split_by', 'text')
    .addColumn('split_at', 'bigint')
    .execute();
  await db.schema.createIndex('member_merges_kept').on('member_merges').columns(['workspace_id', 'kept_id']).execute();
  await db.schema
    .createTable('merge_decisions')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    /** The pair, the smaller id first. */
    .addColumn('member_a', 'text', (c) => c.notNull())
    .addColumn('member_b', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('merge_decisions_pk', ['workspace_id', 'member_a', 'member_b'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('merge_decisions').execute();
  await db.schema.dropTable('member_merges').execute();
}
