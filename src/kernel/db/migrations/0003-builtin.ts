import type { Kysely } from 'kysely';

// The built-in web community (自建社区): member sessions of the member web app, the pinned announcement,
// uploaded images, reports (举报) and questions, and the per-group opt-in to the member directory.
export async function up(db: Kysely<any>): Promise<void> {
  // A device's session in the member app. It exists before its member does (an applicant waiting for
  // approval holds one) and is bound to the member when they are admitted.
  await db.schema
    .createTable('member_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text')
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('member_sessions_member').on('member_sessions').columns(['workspace_id', 'member_id']).execute();

  await db.schema.alterTable('join_requests').addColumn('session_id', 'text').execute();

  await db.schema.alterTable('groups').addColumn('announcement', 'text').execute();
  await db.schema.alterTable('groups').addColumn('announcement_at', 'bigint').execute();

  await db.schema.alterTable('memberships').addColumn('in_directory', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('memberships').addColumn('expert', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await db.schema
    .createTable('uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text')
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('uploads_group').on('uploads').columns(['workspace_id', 'group_id', 'created_at']).execute();

  await db.schema
    .createTable('reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('reporter_member_id', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('target_member_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('decision_note', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .addColumn('decided_by', 'text')
    .addUniqueConstraint('reports_once', ['workspace_id', 'reporter_member_id', 'target_type', 'target_id'])
    .execute();
  await db.schema.createIndex('reports_group').on('reports').columns(['workspace_id', 'group_id', 'status', 'created_at']).execute();

  // A question is a message (its activity) that stays open until answered.
  await db.schema
    .createTable('questions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('activity_id', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('answer_activity_id', 'text')
    .addColumn('answered_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('answered_at', 'bigint')
    .execute();
  await db.schema.createIndex('questions_group').on('questions').columns(['workspace_id', 'group_id', 'status', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('questions').execute();
  await db.schema.dropTable('reports').execute();
  await db.schema.dropTable('uploads').execute();
  await db.schema.alterTable('memberships').dropColumn('expert').execute();
  await db.schema.alterTable('memberships').dropColumn('in_directory').execute();
  await db.schema.alterTable('groups').dropColumn('announcement_at').execute();
  await db.schema.alterTable('groups').dropColumn('announcement').execute();
  await db.schema.alterTable('join_requests').dropColumn('session_id').execute();
  await db.schema.dropTable('member_sessions').execute();
}
