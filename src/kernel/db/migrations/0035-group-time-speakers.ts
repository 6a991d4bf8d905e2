import type { Kysely } from 'kysely';

// A group's messages over a range, counted per member (the talk's concentration on the overview), read the
// table row of every message to learn its kind and member. With both in the group-time index the count is read
// from the index alone. Widening the index keeps every read of its (workspace, group, time) prefix and adds no
// index for an activity write to keep.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('activities_group_time_speaker').on('activities').columns(['workspace_id', 'group_id', 'occurred_at', 'kind', 'member_id']).execute();
  await db.schema.dropIndex('activities_group_time').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('activities_group_time').on('activities').columns(['workspace_id', 'group_id', 'occurred_at']).execute();
  await db.schema.dropIndex('activities_group_time_speaker').execute();
}
