import type { Kysely } from 'kysely';

// The circle rollout tracker: a community reaches its five circles (圈层) in order, each through four tasks
// (文化认同, 产品鉴评, 圈层认知, 消费引领); a row per task an operator has marked done.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('circle_tasks')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('community_id', 'text', (c) => c.notNull())
    .addColumn('circle', 'text', (c) => c.notNull())
    .addColumn('task', 'text', (c) => c.notNull())
    .addColumn('done_at', 'bigint', (c) => c.notNull())
    .addColumn('done_by', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('circle_tasks_pk', ['workspace_id', 'community_id', 'circle', 'task'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('circle_tasks').execute();
}
