import type { Kysely } from 'kysely';

// A chat's public username (Telegram's chat.username) as a connection last heard it: a group owner names
// their group by its t.me link or @username (the recruitment page), and the chat id is what they rarely know.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('group_links').addColumn('handle', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('group_links').dropColumn('handle').execute();
}
