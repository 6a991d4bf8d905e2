import type { Kysely } from 'kysely';

/** Tables whose rows an import creates; a row it created stays hidden while its import is not completed. */
export const STAGED_TABLES = ['groups', 'members', 'identities', 'memberships', 'activities'] as const;

// Chat-history imports (`shequn import telegram …`): one row per import of a file, with its checkpoint and
// report; the rows an import creates carry its id, so a half-done import shows nothing (reads leave out rows
// of imports not completed) and a failed one removes exactly what it added.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    /** What identifies the same file on a re-run: its size and a hash of its first and last bytes. */
    .addColumn('file_key', 'text', (c) => c.notNull())
    .addColumn('community_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    /** How many records of the file are written (a re-run skips them). */
    .addColumn('records_done', 'bigint', (c) => c.notNull())
    .addColumn('added', 'text', (c) => c.notNull())
    .addColumn('report', 'text')
    .addColumn('error', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('imports_file').on('imports').columns(['workspace_id', 'file_key', 'status']).execute();
  for (const t of STAGED_TABLES) {
    await db.schema.alterTable(t).addColumn('import_id', 'text').execute();
    await db.schema.createIndex(`${t}_staged`).on(t).column('import_id').where('import_id', 'is not', null).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of STAGED_TABLES) {
    await db.schema.dropIndex(`${t}_staged`).execute();
    await db.schema.alterTable(t).dropColumn('import_id').execute();
  }
  await db.schema.dropTable('imports').execute();
}
