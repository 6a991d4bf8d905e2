import type { Kysely } from 'kysely';

// 网络声量 Voice: messages, positive and negative ones per scope and local day; keywords per scope and day;
// the negative messages themselves (a spike shows them); and where the engine has read the stream up to.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('voice_days')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('messages', 'bigint', (c) => c.notNull())
    .addColumn('positive', 'bigint', (c) => c.notNull())
    .addColumn('negative', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('voice_days_pk', ['workspace_id', 'scope', 'day'])
    .execute();
  await db.schema
    .createTable('term_days')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('term', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('term_days_pk', ['workspace_id', 'scope', 'day', 'term'])
    .execute();
  await db.schema
    .createTable('voice_negatives')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('activity_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text')
    .addColumn('day', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('voice_negatives_pk', ['workspace_id', 'activity_id'])
    .execute();
  await db.schema.createIndex('voice_negatives_day').on('voice_negatives').columns(['workspace_id', 'day']).execute();
  await db.schema
    .createTable('voice_checkpoints')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('activity_id', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['voice_checkpoints', 'voice_negatives', 'term_days', 'voice_days']) await db.schema.dropTable(t).execute();
}
