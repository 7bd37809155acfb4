import type { Kysely } from 'kysely';

/**
 * Replaces 003's `(status, next_attempt_at)` index. Claims and outcome writes go through 004's
 * partial indexes and the primary key; that index only lured SQLite's planner into scanning
 * every pending row for `status = ?` updates (O(backlog) per outcome written). What reads the
 * whole outbox by app is the operations API (an app's deliveries, newest first): it gets
 * `(app_id, id)` instead, so the number of indexes every insert maintains stays the same.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('event_outbox_due').execute();
  await db.schema.createIndex('event_outbox_app').on('event_outbox').columns(['app_id', 'id']).execute();
}
