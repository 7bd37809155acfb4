import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';

/** The relay's schema, on SQLite and PostgreSQL alike (types chosen per dialect). */
function initial(dialect: 'sqlite' | 'postgres'): Migration {
  const pg = dialect === 'postgres';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('relay_apps')
        .addColumn('app_id', 'text', (c) => c.primaryKey())
        .addColumn('secrets', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('relay_events')
        .addColumn('seq', pg ? 'bigserial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('app_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('acked_at', 'bigint')
        .addColumn('body', pg ? 'bytea' : 'blob', (c) => c.notNull())
        .addColumn('headers', 'text', (c) => c.notNull())
        .addColumn('delivery_id', 'text')
        .addColumn('outbound_index', 'text')
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'bigint')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // Partial indexes: a row is in the queue index while queued and in the acked index once acked,
      // so an insert touches one of them, not both.
      // The hand-out query: an app's queued events in arrival order.
      await sql`create index relay_events_queue on relay_events (app_id, seq) where state = 'queued'`.execute(db);
      // Retention: acked events by age.
      await sql`create index relay_events_acked on relay_events (acked_at) where state = 'acked'`.execute(db);
      // A redelivery of a delivery id still queued is stored once (insert … on conflict do nothing).
      await sql`create unique index relay_events_delivery on relay_events (app_id, delivery_id) where state = 'queued' and delivery_id is not null`.execute(db);
    },
  };
}

/** Triggers relayed between the nodes of a PostgreSQL cluster (created on SQLite too, where they stay empty). */
function clusterTriggers(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('relay_presence')
        .addColumn('app_id', 'text', (c) => c.notNull())
        .addColumn('node_id', 'text', (c) => c.notNull())
        .addColumn('seen_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('relay_presence_pk', ['app_id', 'node_id'])
        .execute();
      await db.schema
        .createTable('relay_triggers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('app_id', 'text', (c) => c.notNull())
        .addColumn('origin_node', 'text', (c) => c.notNull())
        .addColumn('body', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
        .addColumn('headers', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('claimed_by', 'text')
        .addColumn('reply_status', 'integer')
        .addColumn('reply_body', 'text')
        .execute();
    },
  };
}

export function relayMigrations(dialect: 'sqlite' | 'postgres'): MigrationProvider {
  return { getMigrations: async () => ({ '001_relay': initial(dialect), '002_cluster_triggers': clusterTriggers(dialect) }) };
}
