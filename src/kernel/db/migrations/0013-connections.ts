import type { Kysely } from 'kysely';

// Connections to external platforms (a Telegram bot, later WeCom apps, QQ bots…): the account the platform
// knows us by, its credentials sealed with the deployment's key (never stored in clear), and its health.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    /** The platform's id for the account (a bot's user id). */
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('handle', 'text')
    /** SecretBox-sealed JSON of the credentials. */
    .addColumn('credentials', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('checked_at', 'bigint')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('connections_account', ['workspace_id', 'platform', 'account_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('connections').execute();
}
