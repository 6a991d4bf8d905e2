import type { Kysely } from 'kysely';

// What the rules need beside actions: tasks (a titled to-do for a member, e.g. a sharing session's
// summary 经验总结), and a minimal points ledger with badges (append-only, each entry naming the rule and
// the activity behind it). Levels and the reward shop build on the ledger later.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('due_at', 'bigint')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('origin_type', 'text', (c) => c.notNull())
    .addColumn('origin_id', 'text')
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .addColumn('confirmed_at', 'bigint')
    .addColumn('confirmed_by', 'text')
    .addUniqueConstraint('tasks_dedupe', ['workspace_id', 'dedupe_key'])
    .execute();
  await db.schema.createIndex('tasks_member').on('tasks').columns(['workspace_id', 'member_id', 'status', 'created_at']).execute();
  await db.schema.createIndex('tasks_group').on('tasks').columns(['workspace_id', 'group_id', 'created_at']).execute();

  await db.schema
    .createTable('points')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text')
    .addColumn('activity_id', 'text')
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('points_dedupe', ['workspace_id', 'dedupe_key'])
    .execute();
  await db.schema.createIndex('points_member').on('points').columns(['workspace_id', 'member_id', 'created_at']).execute();

  await db.schema
    .createTable('badges')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('badge', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('badges_pk', ['workspace_id', 'member_id', 'badge'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('badges').execute();
  await db.schema.dropTable('points').execute();
  await db.schema.dropTable('tasks').execute();
}
