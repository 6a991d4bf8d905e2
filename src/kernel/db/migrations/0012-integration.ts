import type { Kysely } from 'kysely';

// The integration wizard (整合): a plan over a community's groups (each classified and given a decision, and
// the settings of the new group set), and, once carried out, one row per member planned to move so that the
// console can track who has moved.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('integration_plans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('community_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    /** JSON: the groups with their classification and decision. */
    .addColumn('groups', 'text', (c) => c.notNull())
    /** JSON: the new set's settings (move by, pattern, notice, …). */
    .addColumn('settings', 'text', (c) => c.notNull())
    /** JSON once carried out: the new groups (key, name, group id, invite) and the notices' outbox ids. */
    .addColumn('result', 'text')
    .addColumn('group_set_id', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('carried_out_at', 'bigint')
    .execute();
  await db.schema.createIndex('integration_plans_community').on('integration_plans').columns(['workspace_id', 'community_id']).execute();
  await db.schema
    .createTable('integration_moves')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('from_group_id', 'text', (c) => c.notNull())
    .addColumn('to_group_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('integration_moves_pk', ['workspace_id', 'plan_id', 'member_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('integration_moves').execute();
  await db.schema.dropTable('integration_plans').execute();
}
