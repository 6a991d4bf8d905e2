import type { Kysely } from 'kysely';

// How far an import has read its file, for the console's progress bar: the file's size and the byte the
// last written batch reached (null for formats read by lines, which report records only).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('imports').addColumn('bytes_total', 'bigint').execute();
  await db.schema.alterTable('imports').addColumn('bytes_done', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('imports').dropColumn('bytes_done').execute();
  await db.schema.alterTable('imports').dropColumn('bytes_total').execute();
}
