import type { Kysely } from 'kysely';

// Migration 0033's prev_last_at let the runner skip the member_periods rows known to be stored. Measured at
// 1,000,000 members it saved nothing (the runner took 9.5 s for 200,000 activities with the skip and without it,
// once the rows were upserted by single-row statements), so the skip went and its column goes with it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('member_milestones').dropColumn('prev_last_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('member_milestones').addColumn('prev_last_at', 'bigint').execute();
}
