import type { Kysely } from 'kysely';

// An import's activities keep its id as their provenance, so the partial index on activities.import_id held
// every imported row and cost every imported message one more index insert. A failed import finds its rows
// by the (workspace, created_at) index instead: they were all written after it started.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('activities_staged').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('activities_staged').on('activities').column('import_id').where('import_id', 'is not', null).execute();
}
