import type { Kysely } from 'kysely';

// The durable outbox: every action that must reach a group (a rule's warning, mute or removal; later a
// relayed message) is written here in the same transaction as its cause, then carried out by a worker
// that retries. The row is also the action's record: the rule, the reason, the activity behind it, and
// whether an operator undid it. A workspace blacklist, and the rules runner's checkpoint per workspace.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    /** Makes writing the same action twice a no-op (e.g. `rule:<ruleId>:<activityId>`). */
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text')
    .addColumn('member_id', 'text')
    .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('origin_type', 'text', (c) => c.notNull())
    .addColumn('origin_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('cause_activity_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('done_at', 'bigint')
    .addColumn('undone_at', 'bigint')
    .addColumn('undone_by', 'text')
    .addUniqueConstraint('outbox_dedupe', ['workspace_id', 'dedupe_key'])
    .execute();
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('outbox_member').on('outbox').columns(['workspace_id', 'member_id', 'origin_id', 'created_at']).execute();
  await db.schema.createIndex('outbox_group').on('outbox').columns(['workspace_id', 'group_id', 'created_at']).execute();

  await db.schema
    .createTable('blacklist')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('origin_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('blacklist_pk', ['workspace_id', 'member_id'])
    .execute();

  await db.schema
    .createTable('rule_checkpoints')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey())
    /** The last activity the rules runner has judged: (created_at, id), the order activities are written in. */
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('activity_id', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('activities_ws_created').on('activities').columns(['workspace_id', 'created_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('activities_ws_created').execute();
  await db.schema.dropTable('rule_checkpoints').execute();
  await db.schema.dropTable('blacklist').execute();
  await db.schema.dropTable('outbox').execute();
}
