import type { Kysely } from 'kysely';

// The engine asks every tick how much each workspace has queued and since when. SQLite keeps a queue row's
// activities (tens of kilobytes of JSON) in overflow pages before created_at, and walked them all to answer:
// 9 ms a tick with 235,000 activities queued, 0.03 ms from this covering index.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('rollup_queue_backlog').on('rollup_queue').columns(['workspace_id', 'created_at', 'n']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('rollup_queue_backlog').execute();
}
