import type { Kysely } from 'kysely';

/** Open views (modals) of people and the block interactions waiting for `/v1/interactions/complete`. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('trigger_views')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('app_id', 'varchar(32)', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('workspace_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('channel_id', 'varchar(32)')
    // The stack: the first view opened, and the view this one was pushed over (null for the root).
    .addColumn('root_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('parent_id', 'varchar(32)')
    .addColumn('callback_id', 'varchar(255)')
    // The view as the app sent it (blocks, title, …) without id and state, as JSON text.
    .addColumn('view', 'text', (c) => c.notNull())
    // `{values: {blockId: {onAction: value}}}` as the person last sent it.
    .addColumn('state', 'text', (c) => c.notNull())
    // Per-block messages from a refused submit (ours), as JSON text.
    .addColumn('errors', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .execute();
  await db.schema.createIndex('trigger_views_root').on('trigger_views').columns(['root_id']).execute();

  await db.schema
    .createTable('trigger_interactions')
    .addColumn('trigger_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('app_id', 'varchar(32)', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('workspace_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('channel_id', 'varchar(32)')
    .addColumn('source_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('source_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .execute();
  await db.schema.createIndex('trigger_interactions_expiry').on('trigger_interactions').column('expires_at').execute();
}
