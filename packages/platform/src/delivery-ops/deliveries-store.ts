import type { Kysely, Selectable } from 'kysely';
import { PENDING } from '../delivery/index.js';
import type { Database, EventDeliveryAttemptsTable, EventOutboxTable } from '../store/schema.js';
import type { Attempt, Delivery, DeliveryListQuery } from './delivery-schemas.js';

const SUMMARY_COLUMNS = [
  'id',
  'workspace_id',
  'event_type',
  'channel_key',
  'target',
  'status',
  'attempts',
  'created_at',
  'next_attempt_at',
  'first_failed_at',
  'last_attempt_at',
  'last_status',
  'last_error',
  'delivered_at',
  'lease_until',
] as const;

type SummaryRow = Pick<Selectable<EventOutboxTable>, (typeof SUMMARY_COLUMNS)[number]>;

const num = (value: number | string | null) => (value === null ? null : Number(value));

function delivery(row: SummaryRow, now: number): Delivery {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    eventType: row.event_type,
    channelKey: row.channel_key,
    webhookId: row.target,
    status: row.status,
    attemptCount: Number(row.attempts),
    createdAt: Number(row.created_at),
    nextAttemptAt: row.status === 'pending' ? Number(row.next_attempt_at) : null,
    firstFailedAt: num(row.first_failed_at),
    lastAttemptAt: num(row.last_attempt_at),
    lastStatus: num(row.last_status),
    lastError: row.last_error,
    deliveredAt: num(row.delivered_at),
    inFlight: row.status === 'pending' && row.lease_until !== null && Number(row.lease_until) > now,
  };
}

function attempt(row: Selectable<EventDeliveryAttemptsTable>): Attempt {
  return {
    at: Number(row.attempted_at),
    url: row.url,
    transport: row.transport,
    outcome: row.outcome,
    statusCode: num(row.status_code),
    latencyMs: num(row.latency_ms),
    error: row.error,
    nextAttemptAt: num(row.next_attempt_at),
  };
}

/** What the operations API reads and changes in event_outbox and event_delivery_attempts. */
export class DeliveriesStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Newest first, by id (ids are time-ordered). Walks the primary key backwards filtering by app —
   * cheap for an app with recent deliveries — rather than adding an (app_id, id) index that every
   * enqueue on the hot path would pay for; `status=pending` uses the outbox's partial lane index.
   */
  async list(appId: string, query: DeliveryListQuery, now: number): Promise<{ deliveries: Delivery[]; nextCursor: string | null }> {
    let select = this.db.selectFrom('event_outbox').select(SUMMARY_COLUMNS).where('app_id', '=', appId);
    if (query.status) select = select.where('status', '=', query.status);
    if (query.eventType) select = select.where('event_type', '=', query.eventType);
    if (query.webhookId) select = select.where('target', '=', query.webhookId);
    if (query.cursor) select = select.where('id', '<', query.cursor);
    const rows = await select
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    return { deliveries: page.map((row) => delivery(row, now)), nextCursor: rows.length > query.limit ? page[page.length - 1].id : null };
  }

  async find(appId: string, deliveryId: string, now: number): Promise<(Delivery & { payload: string }) | undefined> {
    const row = await this.db
      .selectFrom('event_outbox')
      .select([...SUMMARY_COLUMNS, 'payload'])
      .where('id', '=', deliveryId)
      .where('app_id', '=', appId)
      .executeTakeFirst();
    return row ? { ...delivery(row, now), payload: row.payload } : undefined;
  }

  async attempts(deliveryId: string): Promise<Attempt[]> {
    const rows = await this.db.selectFrom('event_delivery_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('id').execute();
    return rows.map(attempt);
  }

  /**
   * Puts one delivery back in the queue, due now, with a fresh schedule — unless a dispatcher
   * holds it right now. Same row, same delivery id: it is the same event, sent again.
   * Returns false when it is in flight.
   */
  async redeliver(appId: string, deliveryId: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('event_outbox')
      .set({ status: 'pending', next_attempt_at: now, first_failed_at: null, lease_until: null, lease_owner: null })
      .where('id', '=', deliveryId)
      .where('app_id', '=', appId)
      .where((eb) => eb.or([eb('status', '!=', 'pending'), eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Makes every pending delivery of the app due now with a fresh 72 h schedule; returns how many and their targets. */
  async retryPending(
    appId: string,
    now: number,
  ): Promise<{ rescheduled: number; targets: { target: string | null; workspace_id: string; event_type: string }[] }> {
    const result = await this.db
      .updateTable('event_outbox')
      .set({ next_attempt_at: now, first_failed_at: null })
      .where('app_id', '=', appId)
      .where('status', '=', PENDING)
      .executeTakeFirst();
    const targets = await this.db
      .selectFrom('event_outbox')
      .select((eb) => ['target', eb.fn.min('workspace_id').as('workspace_id'), eb.fn.min('event_type').as('event_type')])
      .where('app_id', '=', appId)
      .where('status', '=', PENDING)
      .groupBy('target')
      .limit(100)
      .execute();
    return {
      rescheduled: Number(result.numUpdatedRows),
      targets: targets.map((t) => ({ ...t, workspace_id: String(t.workspace_id), event_type: String(t.event_type) })),
    };
  }
}
