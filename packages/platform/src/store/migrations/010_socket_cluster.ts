import type { Kysely } from 'kysely';

/**
 * Socket mode across PostgreSQL nodes: which node holds connections of which app, and the
 * triggers a node hands to the node holding the app's connection (harmless, unused, on SQLite).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per (node, app) with at least one connection there; refreshed while it lasts, so
  // the rows of a node that died without cleaning up stop counting once expired.
  await db.schema
    .createTable('socket_presence')
    .addColumn('node_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('app_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('socket_presence_pk', ['node_id', 'app_id'])
    .execute();
  await db.schema.createIndex('socket_presence_app').on('socket_presence').columns(['app_id', 'expires_at']).execute();

  // A trigger waiting for the node holding the app's connection: the first such node claims it,
  // writes the reply; the origin node reads and deletes it. Payloads can exceed NOTIFY's 8 000 bytes.
  await db.schema
    .createTable('socket_trigger_requests')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('app_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('origin_node', 'varchar(64)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'varchar(64)')
    .addColumn('reply', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('socket_trigger_requests_created').on('socket_trigger_requests').column('created_at').execute();
}
