import type { Kysely } from 'kysely';

// Free tags on a group (e.g. 深圳, 2024 期, 高净值): a live relay picks its target groups by tag, and the
// operators find groups by them. A JSON array of strings, like a member's tags.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('groups').addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('groups').dropColumn('tags').execute();
}
