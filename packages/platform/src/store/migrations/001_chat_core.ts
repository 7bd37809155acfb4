import type { Kysely } from 'kysely';

/** Workspaces, people, channels, messages, reactions. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('email', 'varchar(320)', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('workspace_users')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('workspace_id', 'varchar(32)', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('account_id', 'varchar(32)', (c) => c.references('accounts.id').onDelete('cascade'))
    .addColumn('app_id', 'varchar(32)')
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('email', 'varchar(320)', (c) => c.notNull())
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('avatar', 'text')
    .addColumn('time_zone_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('title', 'varchar(200)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('workspace_users_account_unique', ['workspace_id', 'account_id'])
    .execute();
  await db.schema.createIndex('workspace_users_account').on('workspace_users').column('account_id').execute();

  await db.schema
    .createTable('channels')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('workspace_id', 'varchar(32)', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('type', 'varchar(16)', (c) => c.notNull())
    .addColumn('name', 'varchar(80)')
    .addColumn('description', 'varchar(1000)')
    .addColumn('is_archived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('direct_key', 'varchar(400)')
    .addColumn('created_by', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('channels_direct_unique', ['workspace_id', 'direct_key'])
    .execute();
  await db.schema.createIndex('channels_workspace_name').on('channels').columns(['workspace_id', 'name']).execute();

  await db.schema
    .createTable('channel_members')
    .addColumn('channel_id', 'varchar(32)', (c) => c.notNull().references('channels.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull().references('workspace_users.id').onDelete('cascade'))
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_members_pk', ['channel_id', 'user_id'])
    .execute();
  await db.schema.createIndex('channel_members_user').on('channel_members').column('user_id').execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('workspace_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('channel_id', 'varchar(32)', (c) => c.notNull().references('channels.id').onDelete('cascade'))
    .addColumn('author_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('blocks', 'text')
    .addColumn('attachments', 'text')
    .addColumn('files', 'text')
    .addColumn('thread_root_id', 'varchar(32)')
    .addColumn('reply_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_reply_at', 'bigint')
    .addColumn('subtype', 'varchar(32)')
    .addColumn('edited_at', 'bigint')
    .addColumn('deleted_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // History pages walk (channel, id) for roots and (thread root, id) for replies.
  await db.schema.createIndex('messages_channel_id').on('messages').columns(['channel_id', 'id']).execute();
  await db.schema.createIndex('messages_thread_id').on('messages').columns(['thread_root_id', 'id']).execute();

  await db.schema
    .createTable('reactions')
    .addColumn('message_id', 'varchar(32)', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('code', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('reactions_pk', ['message_id', 'user_id', 'code'])
    .execute();
}
