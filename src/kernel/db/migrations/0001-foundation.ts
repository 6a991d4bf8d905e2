import { SqliteAdapter, sql, type Kysely } from 'kysely';

const isSqlite = (db: Kysely<any>) => db.getExecutor().adapter instanceof SqliteAdapter;

// `bigint` is an integer affinity on SQLite and int8 on PostgreSQL (parsed to number, see connect.ts).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('operators')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('scope', 'text')
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('operators_ws_email', ['workspace_id', 'email'])
    .execute();
  await db.schema.createIndex('operators_email').on('operators').column('email').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('operator_id', 'text', (c) => c.notNull().references('operators.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('scope', 'text')
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('audit_ws_at').on('audit_log').columns(['workspace_id', 'at', 'id']).execute();

  await db.schema
    .createTable('communities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text')
    .addColumn('leader_member_id', 'text')
    .addColumn('canvas', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('communities_ws').on('communities').columns(['workspace_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('phases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('community_id', 'text', (c) => c.notNull().references('communities.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .addColumn('targets', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('budget_cents', 'bigint')
    .addColumn('platform_mix', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('phases_community').on('phases').columns(['workspace_id', 'community_id', 'starts_on']).execute();

  await db.schema
    .createTable('group_sets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('community_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('region', 'text')
    .addColumn('naming_pattern', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('group_sets_ws').on('group_sets').columns(['workspace_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('community_id', 'text', (c) => c.notNull().references('communities.id'))
    .addColumn('group_set_id', 'text')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('function', 'text', (c) => c.notNull())
    .addColumn('official', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('structure', 'text', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('region', 'text')
    .addColumn('owner_type', 'text')
    .addColumn('owner_id', 'text')
    .addColumn('secretary_type', 'text')
    .addColumn('secretary_id', 'text')
    .addColumn('numbering', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('groups_platform_external', ['workspace_id', 'platform', 'external_id'])
    .execute();
  await db.schema.createIndex('groups_ws').on('groups').columns(['workspace_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('groups_community').on('groups').columns(['workspace_id', 'community_id']).execute();

  await db.schema
    .createTable('members')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('gender', 'text')
    .addColumn('birth_year', 'integer')
    .addColumn('city', 'text')
    .addColumn('occupation', 'text')
    .addColumn('skills', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('phone', 'text')
    .addColumn('phone_last4', 'text')
    .addColumn('email', 'text')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('circle', 'text')
    .addColumn('source_channel', 'text')
    .addColumn('referrer_id', 'text')
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('stage_history', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('consent', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // Every search filter is an ordered range on (workspace, key, joined_at, id) so a page stops after 50 rows.
  for (const [name, cols] of [
    ['members_ws_joined', ['workspace_id', 'joined_at', 'id']],
    ['members_city', ['workspace_id', 'city', 'joined_at', 'id']],
    ['members_stage', ['workspace_id', 'stage', 'joined_at', 'id']],
    ['members_circle_stage', ['workspace_id', 'circle', 'stage', 'joined_at', 'id']],
    ['members_phone', ['workspace_id', 'phone']],
    ['members_phone_last4', ['workspace_id', 'phone_last4', 'joined_at', 'id']],
    ['members_email', ['workspace_id', 'email']],
  ] as const) {
    await db.schema.createIndex(name).on('members').columns([...cols]).execute();
  }

  await db.schema
    .createTable('member_terms')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('term', 'text', (c) => c.notNull())
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_terms_pk', ['workspace_id', 'term', 'joined_at', 'member_id'])
    // On SQLite the postings live in the primary-key B-tree itself: one write per posting instead of two.
    .$call((b) => (isSqlite(db) ? b.modifyEnd(sql`without rowid`) : b))
    .execute();
  // Lookups by member lead with member_id, then the workspace every tenant query adds, so the planner
  // matches both equalities here instead of walking a workspace-wide index.
  await db.schema.createIndex('member_terms_member').on('member_terms').columns(['member_id', 'workspace_id']).execute();

  await db.schema
    .createTable('identities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('handle', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('identities_platform_external', ['workspace_id', 'platform', 'external_id'])
    .execute();
  await db.schema.createIndex('identities_member').on('identities').columns(['member_id', 'workspace_id']).execute();

  await db.schema
    .createTable('memberships')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('number', 'integer')
    .addColumn('number_display', 'text')
    .addColumn('number_scope', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('nickname', 'text')
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    .addColumn('left_at', 'bigint')
    .addColumn('invited_by', 'text')
    .addColumn('muted_until', 'bigint')
    .addUniqueConstraint('memberships_group_member', ['group_id', 'member_id'])
    .execute();
  await db.schema.createIndex('memberships_member').on('memberships').columns(['member_id', 'workspace_id', 'group_id']).execute();
  await db.schema.createIndex('memberships_group').on('memberships').columns(['workspace_id', 'group_id', 'joined_at']).execute();

  // A member number (编号) belongs to one member in its scope (a group or a community) for good:
  // it is never given to anyone else, and a member who rejoins gets the same number back.
  await db.schema
    .createTable('member_numbers')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('number_scope', 'text', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('display', 'text', (c) => c.notNull())
    .addColumn('assigned_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_numbers_pk', ['workspace_id', 'number_scope', 'number'])
    .addUniqueConstraint('member_numbers_member', ['workspace_id', 'number_scope', 'member_id'])
    .execute();

  await db.schema
    .createTable('number_sequences')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('scope_key', 'text', (c) => c.notNull())
    .addColumn('last_number', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('number_sequences_pk', ['workspace_id', 'scope_key'])
    .execute();

  await db.schema
    .createTable('activities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text')
    .addColumn('group_id', 'text')
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('content_source', 'text')
    .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('activities_source', ['workspace_id', 'source', 'source_id'])
    .execute();
  await db.schema.createIndex('activities_ws_time').on('activities').columns(['workspace_id', 'occurred_at', 'id']).execute();
  await db.schema.createIndex('activities_group_time').on('activities').columns(['workspace_id', 'group_id', 'occurred_at']).execute();
  await db.schema.createIndex('activities_member_time').on('activities').columns(['workspace_id', 'member_id', 'occurred_at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('0001-foundation cannot be rolled back; restore a backup instead');
}
