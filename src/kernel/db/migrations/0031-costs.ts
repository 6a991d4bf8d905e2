import type { Kysely } from 'kysely';

// What was spent (评估: cost and outcome per campaign, event, phase and group): entered in a form or imported
// from the finance team's sheet, until the monetization module records spending itself. A row names what the
// money was for (`subject` and its key: a campaign name as the short links carry it, an event's key as its
// attendances carry it, a phase or a group id); the ROI dashboard sets it beside what that thing brought.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('costs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('community_id', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('subject_key', 'text', (c) => c.notNull())
    .addColumn('spent_on', 'text', (c) => c.notNull())
    .addColumn('amount_cents', 'bigint', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('note', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    // An imported row's content (and its place among identical rows of its file): importing a file again adds nothing.
    .addColumn('dedupe_key', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('costs_subject').on('costs').columns(['workspace_id', 'subject', 'subject_key', 'spent_on']).execute();
  await db.schema.createIndex('costs_spent').on('costs').columns(['workspace_id', 'spent_on', 'id']).execute();
  await db.schema.createIndex('costs_dedupe').on('costs').columns(['workspace_id', 'dedupe_key']).unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('costs').execute();
}
