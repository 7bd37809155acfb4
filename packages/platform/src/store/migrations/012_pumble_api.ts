import type { Kysely } from 'kysely';

/**
 * Pumble API gaps (issue 16): channel posting permissions, custom statuses, user groups and
 * app home views. Separate tables: most channels and people never have a row in them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('channel_posting')
    .addColumn('channel_id', 'varchar(32)', (c) => c.primaryKey())
    // EVERYONE | ADMINS | ADMINS_AND_SELECTED
    .addColumn('posting_group', 'varchar(32)', (c) => c.notNull())
    // JSON array of people who may post besides admins (ADMINS_AND_SELECTED).
    .addColumn('user_ids', 'text', (c) => c.notNull())
    .addColumn('allow_threads', 'integer', (c) => c.notNull())
    .addColumn('allow_mentions', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('custom_statuses')
    .addColumn('user_id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('workspace_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('code', 'varchar(128)', (c) => c.notNull())
    .addColumn('status', 'varchar(128)', (c) => c.notNull())
    .addColumn('expiration', 'varchar(16)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('paused_notifications', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('user_groups')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('workspace_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('name', 'varchar(128)', (c) => c.notNull())
    .addColumn('handle', 'varchar(64)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_by', 'varchar(32)', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('user_groups_handle').on('user_groups').columns(['workspace_id', 'handle']).unique().execute();

  await db.schema
    .createTable('user_group_members')
    .addColumn('group_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_group_members_pk', ['group_id', 'user_id'])
    .execute();

  // Every ephemeral message's sender and recipients: only its sender withdraws or edits it.
  await db.schema
    .createTable('ephemeral_messages')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('workspace_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('channel_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('author_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('app_id', 'varchar(32)')
    .addColumn('recipients', 'text', (c) => c.notNull())
    .addColumn('thread_root_id', 'varchar(32)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ephemeral_messages_created').on('ephemeral_messages').column('created_at').execute();

  await db.schema
    .createTable('home_views')
    .addColumn('app_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('workspace_id', 'varchar(32)', (c) => c.notNull())
    // JSON {blocks, title?, state?} as the app published it.
    .addColumn('view', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('home_views_pk', ['app_id', 'user_id'])
    .execute();
}
