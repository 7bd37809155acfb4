import { type Kysely, PostgresAdapter } from 'kysely';

/**
 * Uploaded files (Pumble's upload → complete → attach flow). On SQLite the bytes live under the
 * data directory; on PostgreSQL in `file_contents` (bytea) so every node of a cluster serves them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('files')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('workspace_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('owner_id', 'varchar(32)', (c) => c.notNull())
    // The app whose token uploaded it (null: a person); completing and attaching need the same caller.
    .addColumn('app_id', 'varchar(32)')
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('mime_type', 'varchar(255)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    // uploaded → complete; attaching sets message_id and channel_id (once).
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('message_id', 'varchar(32)')
    .addColumn('channel_id', 'varchar(32)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .execute();
  await db.schema.createIndex('files_message').on('files').column('message_id').execute();
  await db.schema.createIndex('files_unattached').on('files').columns(['message_id', 'created_at']).execute();
  await db.schema
    .createTable('file_contents')
    .addColumn('file_id', 'varchar(32)', (c) => c.primaryKey().references('files.id').onDelete('cascade'))
    .addColumn('content', postgres ? 'bytea' : 'blob', (c) => c.notNull())
    .execute();
}
