import type { Kysely } from 'kysely';

/**
 * Two fewer indexes for every outbox row to maintain. Each enqueue wrote six B-trees and each
 * outcome rewrote four; on SQLite that write work (and its WAL pages) was most of a delivery's
 * database cost. What they served, the rest serve as well:
 * - `event_outbox_pending (id)`: pending rows in id order. Claims start from lane heads (the
 *   partial lane index), the queue depth counts the lane index, outcomes find rows by primary key.
 * - `event_outbox_target (target, app_id)`: a webhook's or an app's pending rows (cancel, reset,
 *   releasing parked socket events). These are rare operations on one app: the partial lane
 *   index, which leads with `app_id` and holds only pending rows, narrows them to that app.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('event_outbox_pending').execute();
  await db.schema.dropIndex('event_outbox_target').execute();
}
