import type { Kysely } from 'kysely';

/** Watson-style webhooks of apps (seed 003) and the per app+channel X-OUTBOUND-INDEX counters. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('app_id', 'varchar(32)', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('url', 'varchar(2048)', (c) => c.notNull())
    // JSON array of Watson event names (message-created, …).
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhooks_app').on('webhooks').column('app_id').execute();

  // One row per (app, channel) that has had a webhook event: the last index handed out.
  await db.schema
    .createTable('webhook_sequences')
    .addColumn('app_id', 'varchar(32)', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('channel_key', 'varchar(64)', (c) => c.notNull())
    .addColumn('last_index', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_sequences_pk', ['app_id', 'channel_key'])
    .execute();
}
