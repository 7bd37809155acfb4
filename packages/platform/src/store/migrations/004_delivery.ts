import { type Kysely, sql } from 'kysely';

/** Columns and indexes the delivery dispatcher needs on top of 003's event_outbox. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // SQLite adds one column per ALTER TABLE, so each is its own statement.
  const columns: [string, 'varchar(64)' | 'varchar(300)' | 'integer' | 'bigint'][] = [
    // Which node holds the lease: outcomes are only written by the holder, so a node whose
    // lease expired (and whose rows another node retook) cannot overwrite newer state.
    ['lease_owner', 'varchar(64)'],
    // Null = the app's event URL; otherwise which of its endpoints (e.g. a webhook id).
    ['target', 'varchar(64)'],
    // X-OUTBOUND-INDEX of Watson webhooks (per app+channel sequence), set by the enqueuer.
    ['outbound_index', 'bigint'],
    ['delivered_at', 'bigint'],
    ['last_attempt_at', 'bigint'],
    ['last_status', 'integer'],
    ['last_error', 'varchar(300)'],
  ];
  for (const [name, type] of columns) await db.schema.alterTable('event_outbox').addColumn(name, type).execute();
  // Partial indexes (both dialects) so delivered rows, the vast majority, cost nothing to claims:
  // pending rows in id order, per lane, and by lease (the claim looks up in-flight rows).
  await sql`create index event_outbox_pending on event_outbox (id) where status = 'pending'`.execute(db);
  await sql`create index event_outbox_lane on event_outbox (app_id, channel_key, id) where status = 'pending'`.execute(db);
  await sql`create index event_outbox_leased on event_outbox (lease_until) where status = 'pending'`.execute(db);
  await sql`create index event_outbox_target on event_outbox (app_id, target) where status = 'pending'`.execute(db);
}
