import type { Kysely } from 'kysely';

/** App registry, installations, authorizations, app tokens, OAuth codes, signing keys, event outbox. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('apps')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('owner_user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('owner_workspace_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('manifest', 'text', (c) => c.notNull())
    .addColumn('client_secret_enc', 'text', (c) => c.notNull())
    .addColumn('app_key_enc', 'text', (c) => c.notNull())
    .addColumn('app_key_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('signing_secret_enc', 'text', (c) => c.notNull())
    .addColumn('previous_signing_secret_enc', 'text')
    .addColumn('previous_signing_until', 'bigint')
    .addColumn('published', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('apps_owner').on('apps').column('owner_user_id').execute();

  await db.schema
    .createTable('app_installations')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('app_id', 'varchar(32)', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('workspace_id', 'varchar(32)', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('bot_user_id', 'varchar(32)')
    .addColumn('bot_scopes', 'text', (c) => c.notNull())
    .addColumn('bot_token_enc', 'text')
    .addColumn('installed_by', 'varchar(32)', (c) => c.notNull())
    .addColumn('installed_at', 'bigint', (c) => c.notNull())
    .addColumn('uninstalled_at', 'bigint')
    .execute();
  await db.schema.createIndex('app_installations_app_ws').on('app_installations').columns(['app_id', 'workspace_id']).execute();
  await db.schema.createIndex('app_installations_ws').on('app_installations').column('workspace_id').execute();

  await db.schema
    .createTable('app_authorizations')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('app_id', 'varchar(32)', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('workspace_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull().references('workspace_users.id').onDelete('cascade'))
    .addColumn('user_scopes', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('app_authorizations_app_user').on('app_authorizations').columns(['app_id', 'user_id']).execute();

  await db.schema
    .createTable('app_tokens')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('app_id', 'varchar(32)', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('workspace_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('installation_id', 'varchar(32)')
    .addColumn('authorization_id', 'varchar(32)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('app_tokens_app_ws').on('app_tokens').columns(['app_id', 'workspace_id']).execute();

  await db.schema
    .createTable('oauth_codes')
    .addColumn('code_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('app_id', 'varchar(32)', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('workspace_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('redirect_url', 'text', (c) => c.notNull())
    .addColumn('user_scopes', 'text', (c) => c.notNull())
    .addColumn('bot_scopes', 'text', (c) => c.notNull())
    .addColumn('is_reinstall', 'integer', (c) => c.notNull())
    .addColumn('flow', 'varchar(16)', (c) => c.notNull())
    .addColumn('code_challenge', 'varchar(128)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('consumed_at', 'bigint')
    .addColumn('issued_token_hashes', 'text')
    .execute();

  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('alg', 'varchar(16)', (c) => c.notNull())
    .addColumn('private_jwk_enc', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .execute();

  await db.schema
    .createTable('event_outbox')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('app_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('workspace_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('event_type', 'varchar(64)', (c) => c.notNull())
    .addColumn('channel_key', 'varchar(64)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('first_failed_at', 'bigint')
    .addColumn('lease_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_outbox_due').on('event_outbox').columns(['status', 'next_attempt_at']).execute();
}
