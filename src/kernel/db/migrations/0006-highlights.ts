import type { Kysely } from 'kysely';

// Good content (精华): a message marked by the team or a group manager. Its author earns points; the
// core-group ranking counts it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('highlights')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('activity_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text')
    .addColumn('marked_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('highlights_pk', ['workspace_id', 'activity_id'])
    .execute();
  await db.schema.createIndex('highlights_group').on('highlights').columns(['workspace_id', 'group_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('highlights').execute();
}
