import type { Kysely } from 'kysely';

// The community's project plan (计划书: targets per year, quarterly milestones, risks) and the actuals that
// operators enter or import month by month for what Shequn cannot count itself (payroll, running costs,
// share capital, sponsorship…). The rest of the actuals are computed from the data when asked.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('plans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('community_id', 'text')
    .addColumn('start_month', 'text', (c) => c.notNull())
    .addColumn('template', 'text')
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('plans_ws_created').on('plans').columns(['workspace_id', 'created_at']).execute();
  await db.schema
    .createTable('plan_actuals')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    // Money in fen, counts as counts, rates as fractions.
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('plan_actuals_pk', ['workspace_id', 'plan_id', 'month', 'metric'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('plan_actuals').execute();
  await db.schema.dropTable('plans').execute();
}
