import type { Kysely } from 'kysely';

/** Attempts of event deliveries for the operations API (failures and recoveries; pruned after 7 days). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('event_delivery_attempts')
    .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
    // No foreign key: attempts are written in batches off the hot path and outlive nothing important.
    .addColumn('delivery_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('app_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('attempted_at', 'bigint', (c) => c.notNull())
    .addColumn('transport', 'varchar(16)')
    .addColumn('url', 'varchar(2048)')
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'double precision')
    .addColumn('error', 'varchar(300)')
    .addColumn('next_attempt_at', 'bigint')
    .execute();
  await db.schema.createIndex('event_delivery_attempts_delivery').on('event_delivery_attempts').columns(['delivery_id', 'id']).execute();
  await db.schema.createIndex('event_delivery_attempts_time').on('event_delivery_attempts').column('attempted_at').execute();
}
