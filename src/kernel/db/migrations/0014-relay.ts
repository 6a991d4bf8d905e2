import type { Kysely } from 'kysely';

// External delivery and the live relay (多群直播).
// - The outbox learns to talk to platforms across a network: a row is claimed as `sending` with a lease
//   before the call and recorded after it, so a worker killed in between leaves a row whose outcome is
//   unknown (counted in `ambiguous` when retried). A lane keeps one group's messages in order: only the
//   oldest unfinished row of a lane (by seq) is ever due. The account is the connection (bot) that carried it out,
//   and sent_ref the platform's id for what was sent (a reply or recall names it).
// - Which connection's bots sit in which group, with the platform's address of the chat.
// - Files uploaded to a platform, per account (a Telegram file_id belongs to the bot that uploaded it).
// - Live sessions, their target groups, the relayed messages (the archive), questions, and group owners'
//   applications to join a session (群主招募).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('lane', 'text').execute();
  /** The order within the lane (and among all rows): increasing as rows are written. */
  await db.schema.alterTable('outbox').addColumn('seq', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('outbox').addColumn('account', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('lease_until', 'bigint').execute();
  await db.schema.alterTable('outbox').addColumn('ambiguous', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('outbox').addColumn('sent_ref', 'text').execute();
  await db.schema.createIndex('outbox_lane').on('outbox').columns(['lane', 'status', 'seq']).execute();
  await db.schema.createIndex('outbox_origin').on('outbox').columns(['workspace_id', 'origin_type', 'origin_id', 'group_id']).execute();
  await db.schema.alterTable('connections').addColumn('poll_offset', 'bigint').execute();

  await db.schema
    .createTable('group_links')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text', (c) => c.notNull())
    /** The platform's address of the chat for this account (a Telegram chat id such as -1001234567890). */
    .addColumn('chat_ref', 'text', (c) => c.notNull())
    /** member, admin, left (removed or gone). */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_links_pk', ['workspace_id', 'group_id', 'connection_id'])
    .execute();
  await db.schema.createIndex('group_links_chat').on('group_links').columns(['workspace_id', 'connection_id', 'chat_ref']).execute();

  await db.schema
    .createTable('platform_files')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text', (c) => c.notNull())
    /** What was uploaded (an upload id, or a hash of the bytes). */
    .addColumn('media_key', 'text', (c) => c.notNull())
    .addColumn('file_ref', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('platform_files_pk', ['workspace_id', 'connection_id', 'media_key'])
    .execute();

  await db.schema
    .createTable('live_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('community_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('cover_url', 'text')
    .addColumn('description', 'text')
    .addColumn('scheduled_at', 'bigint')
    .addColumn('main_group_id', 'text', (c) => c.notNull())
    /** JSON {type: member|operator, id}. */
    .addColumn('host', 'text', (c) => c.notNull())
    /** JSON [{type, id}]. */
    .addColumn('speakers', 'text', (c) => c.notNull())
    /** JSON: how the target groups were chosen ({groupIds, tags, groupSetIds, communityIds}). */
    .addColumn('targeting', 'text', (c) => c.notNull())
    /** JSON: reminders (minutes before the start) and the Q&A prefixes. */
    .addColumn('settings', 'text', (c) => c.notNull())
    /** scheduled, live, paused, ended. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('summary', 'text')
    /** Where the relay has read the main group to: the last activity looked at (created_at, id). */
    .addColumn('cursor_at', 'bigint')
    .addColumn('cursor_id', 'text')
    /** JSON: the reminders already queued (minutes before). */
    .addColumn('reminded', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('rebroadcasts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rule_id', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('live_sessions_status').on('live_sessions').columns(['workspace_id', 'status']).execute();

  await db.schema
    .createTable('live_targets')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    /** plan (chosen by the operator) or recruit (a group owner's approved application). */
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('live_targets_pk', ['workspace_id', 'session_id', 'group_id'])
    .execute();

  await db.schema
    .createTable('live_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    /** The order in the session (1, 2, …). */
    .addColumn('seq', 'integer', (c) => c.notNull())
    /** speech, answer, notice. */
    .addColumn('kind', 'text', (c) => c.notNull())
    /** The main group's activity it came from (unique per session: relaying it twice is a no-op). */
    .addColumn('activity_id', 'text', (c) => c.notNull())
    .addColumn('speaker', 'text', (c) => c.notNull())
    /** JSON: text, image, reply (seq of the message replied to), question. */
    .addColumn('payload', 'text', (c) => c.notNull())
    /** The archive's edits: hidden from the replay, or a corrected text. */
    .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('edited_text', 'text')
    .addColumn('recalled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('live_messages_activity', ['workspace_id', 'session_id', 'activity_id'])
    .addUniqueConstraint('live_messages_seq', ['workspace_id', 'session_id', 'seq'])
    .execute();

  await db.schema
    .createTable('live_questions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text')
    .addColumn('asker', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    /** The question it repeats (the first one asked): duplicates are grouped under it. */
    .addColumn('same_as', 'text')
    /** open, answered, dismissed. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('answer', 'text')
    .addColumn('answered_by', 'text')
    .addColumn('answered_at', 'bigint')
    .addColumn('activity_id', 'text', (c) => c.notNull())
    .addColumn('asked_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('live_questions_activity', ['workspace_id', 'activity_id'])
    .execute();
  await db.schema.createIndex('live_questions_session').on('live_questions').columns(['workspace_id', 'session_id', 'status']).execute();

  await db.schema
    .createTable('live_applications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    /** The group as the owner names it, and the platform's id or link when they give one. */
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('group_ref', 'text')
    .addColumn('applicant', 'text', (c) => c.notNull())
    .addColumn('contact', 'text', (c) => c.notNull())
    .addColumn('members', 'integer')
    .addColumn('note', 'text')
    /** pending, approved, rejected. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'bigint')
    .addColumn('reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('live_applications_session').on('live_applications').columns(['workspace_id', 'session_id', 'status']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['live_applications', 'live_questions', 'live_messages', 'live_targets', 'live_sessions', 'platform_files', 'group_links']) await db.schema.dropTable(t).execute();
  await db.schema.dropIndex('outbox_origin').execute();
  await db.schema.dropIndex('outbox_lane').execute();
  for (const c of ['sent_ref', 'ambiguous', 'lease_until', 'account', 'seq', 'lane']) await db.schema.alterTable('outbox').dropColumn(c).execute();
  await db.schema.alterTable('connections').dropColumn('poll_offset').execute();
}
