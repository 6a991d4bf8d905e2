import type { Kysely } from 'kysely';

// Who supports the community's events (评估: community-wide events and the firms and people behind them, the
// method's target is 200): a sponsor firm, a venue, a guest, a volunteer. Entered in a form or imported from
// a sheet; a supporter who is a member is linked to them. `event_key` is the event as its attendances name it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('event_supporters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('community_id', 'text')
    .addColumn('event_key', 'text', (c) => c.notNull())
    .addColumn('supporter_type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text')
    .addColumn('contribution', 'text')
    .addColumn('amount_cents', 'bigint')
    .addColumn('supported_on', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_supporters_event').on('event_supporters').columns(['workspace_id', 'event_key', 'supporter_type', 'name']).execute();
  await db.schema.createIndex('event_supporters_day').on('event_supporters').columns(['workspace_id', 'supported_on', 'id']).execute();
  await db.schema.createIndex('event_supporters_dedupe').on('event_supporters').columns(['workspace_id', 'dedupe_key']).unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('event_supporters').execute();
}
