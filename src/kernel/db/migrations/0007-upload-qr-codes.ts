import type { Kysely } from 'kysely';

// The QR codes decoded from an uploaded image (a JSON array of their texts), read once at upload: the
// moderation rule judges them like a message's text.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('uploads').addColumn('qr_codes', 'text', (c) => c.notNull().defaultTo('[]')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('uploads').dropColumn('qr_codes').execute();
}
