import type { Kysely } from 'kysely';

/** Ephemeral messages with blocks, so clicks on them can be checked (they are not in `messages`). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('trigger_ephemerals')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('workspace_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('channel_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('author_id', 'varchar(32)', (c) => c.notNull())
    // JSON array of the user ids it was shown to (and not withdrawn from).
    .addColumn('recipients', 'text', (c) => c.notNull())
    .addColumn('blocks', 'text', (c) => c.notNull())
    .addColumn('thread_root_id', 'varchar(32)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('trigger_ephemerals_created').on('trigger_ephemerals').column('created_at').execute();
}
