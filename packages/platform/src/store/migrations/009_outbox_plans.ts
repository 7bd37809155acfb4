import { type Kysely, sql } from 'kysely';

/**
 * Replaces 003's `(status, next_attempt_at)` index. Claims and outcome writes go through 004's
 * partial indexes and the primary key; that index only lured SQLite's planner into scanning
 * every pending row for `status = ?` updates (O(backlog) per outcome written). What reads the
 * whole outbox by app is the operations API (an app's deliveries, newest first): it gets
 * `(app_id, id)` instead, so the number of indexes every insert maintains stays the same.
 *
 * 004's `(app_id, target)` index leads with app_id too: with stale statistics (a burst into a
 * fresh table) PostgreSQL took it for the claim's per-lane reads and sorted the whole app's
 * backlog per lane (~1 s a claim at 20 000 pending). Leading with `target` keeps it for what it
 * serves (a target's pending rows) and out of the lane plans.
 *
 * 004's `lease_until` index goes: no query needs it any more, and without an index on the lease
 * columns PostgreSQL leases a row with a HOT update (no index writes at all).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('event_outbox_due').execute();
  await db.schema.createIndex('event_outbox_app').on('event_outbox').columns(['app_id', 'id']).execute();
  await db.schema.dropIndex('event_outbox_target').execute();
  await db.schema.dropIndex('event_outbox_leased').execute();
  await sql`create index event_outbox_target on event_outbox (target, app_id) where status = 'pending'`.execute(db);
}
