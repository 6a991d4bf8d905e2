import type { Kysely } from 'kysely';

// Replies between members, counted by the voice pass with the rest of a day's voice. The voice rollups are
// emptied so that the engine reads every message again (a batch per tick, as after a rebuild) and counts the
// replies of the past too, instead of from the upgrade on.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('voice_days').addColumn('replies', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  for (const t of ['voice_days', 'term_days', 'voice_negatives', 'voice_checkpoints']) await db.deleteFrom(t).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('voice_days').dropColumn('replies').execute();
}
