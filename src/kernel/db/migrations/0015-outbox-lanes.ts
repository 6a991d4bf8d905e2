import type { Kysely } from 'kysely';

// The outbox's lane lookups through the tenant door (which adds workspace_id = ?): without this index
// SQLite took the (workspace_id, group_id, created_at) index and read the workspace's whole outbox to find
// whether a lane was busy, on every relayed message.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('outbox_ws_lane').on('outbox').columns(['workspace_id', 'lane', 'status', 'seq']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_ws_lane').execute();
}
