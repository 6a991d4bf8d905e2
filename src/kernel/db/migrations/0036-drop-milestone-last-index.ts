import type { Kysely } from 'kysely';

// Every active activity moves its member's last_at in three scopes, so an index on last_at was rewritten by
// nearly every write the rollup runner made: member_milestones upserts took 18 µs a row with it and 12 without
// (50,000 rows, SQLite, warm cache), and on PostgreSQL an indexed column changed rules out HOT updates. Its one
// reader, the meetup planner's invitees, now starts from the city's members (members_city) instead.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('member_milestones_last').ifExists().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('member_milestones_last').on('member_milestones').columns(['workspace_id', 'scope', 'milestone', 'last_at']).execute();
}
