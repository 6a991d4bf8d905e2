import type { Kysely } from 'kysely';

// The runner learns from its milestone upsert when a member was last active before the batch (as it learns the
// previous first reach from prev_first_at): the member's period rows for that day, week and month exist already,
// so the batch's activity in the same periods needs no probe of member_periods. Live activity lands mostly in the
// week its members were last active in.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('member_milestones').addColumn('prev_last_at', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('member_milestones').dropColumn('prev_last_at').execute();
}
