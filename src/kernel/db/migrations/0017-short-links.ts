import type { Kysely } from 'kysely';

// Tracked short links (评估: reach and clicks): everything posted to the groups can carry one; a click is an
// activity (kind `click`, source `link`), so it is counted with the rest, by group, member and circle.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('short_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    // Unique across workspaces: the public address carries the code alone.
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('label', 'text')
    .addColumn('community_id', 'text')
    .addColumn('group_id', 'text')
    .addColumn('campaign', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('short_links_ws_created').on('short_links').columns(['workspace_id', 'created_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('short_links').execute();
}
