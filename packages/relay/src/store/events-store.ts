import { CompiledQuery, type Kysely, type Selectable, sql } from 'kysely';
import type { RelayDialect } from './open-store.js';
import type { RelayDatabase, RelayEventsTable } from './schema.js';
import { type EventRowOutcome, SqliteEventWrites } from './sqlite-event-writes.js';
import type { SqliteStatements } from './sqlite-statements.js';

/** One stored event as the services see it. */
export interface StoredEvent {
  seq: number;
  id: string;
  appId: string;
  state: 'queued' | 'acked';
  receivedAt: number;
  ackedAt: number | null;
  body: Buffer;
  headers: Record<string, string>;
  deliveryId: string | null;
  outboundIndex: string | null;
  attempts: number;
}

export interface NewEvent {
  id: string;
  appId: string;
  receivedAt: number;
  body: Uint8Array;
  headers: Record<string, string>;
  deliveryId: string | null;
  outboundIndex: string | null;
}

export interface Lease {
  owner: string;
  until: number;
}

function toEvent(row: Selectable<RelayEventsTable>): StoredEvent {
  return {
    seq: Number(row.seq),
    id: row.id,
    appId: row.app_id,
    state: row.state,
    receivedAt: Number(row.received_at),
    ackedAt: row.acked_at === null ? null : Number(row.acked_at),
    body: Buffer.isBuffer(row.body) ? row.body : Buffer.from(row.body),
    headers: JSON.parse(row.headers) as Record<string, string>,
    deliveryId: row.delivery_id,
    outboundIndex: row.outbound_index,
    attempts: row.attempts,
  };
}

const byArrival = (a: StoredEvent, b: StoredEvent) => a.seq - b.seq;

/**
 * The state as a literal in the SQL, not a parameter: the queue and acked indexes are partial
 * (`where state = …`), and a planner can only use them when it sees the value.
 */
const QUEUED = sql.lit<'queued'>('queued');
const ACKED = sql.lit<'acked'>('acked');

/** Inserts committed together at most (a burst larger than this is split). */
const MAX_GROUP = 256;

interface PendingInsert {
  event: NewEvent;
  lease: Lease | undefined;
  resolve: (stored: { id: string; inserted: boolean }) => void;
  reject: (error: unknown) => void;
}

/**
 * The durable queue: every query the relay runs on `relay_events`. A lease (owner + deadline)
 * gives one consumer an event at a time; an expired or released lease makes it available again.
 */
export class EventsStore {
  private readonly insertSql: string;
  private readonly pendingInserts: PendingInsert[] = [];
  private insertFlushScheduled = false;
  private readonly ackSqls = new Map<number, string>();
  /** Group inserts of up to MAX_GROUP rows: one statement text per size. */
  private readonly groupInsertSqls = new Map<number, string>();
  /** SQLite: the insert and the ack straight on better-sqlite3 (see `SqliteEventWrites`). */
  private readonly direct: SqliteEventWrites | undefined;

  constructor(
    private readonly db: Kysely<RelayDatabase>,
    private readonly dialect: RelayDialect,
    sqlite?: SqliteStatements,
  ) {
    this.insertSql =
      'insert into relay_events (id, app_id, state, received_at, acked_at, body, headers, delivery_id, outbound_index, lease_owner, lease_until, attempts) ' +
      `values (${this.marks(1, 2)}, 'queued', ${this.marks(3, 1)}, null, ${this.marks(4, 7)}) on conflict do nothing`;
    this.direct = sqlite && new SqliteEventWrites(sqlite, this.insertSql);
  }

  /** `?, ?, …` (SQLite) or `$3, $4, …` (PostgreSQL): `count` parameters from number `from`. */
  private marks(from: number, count: number): string {
    return Array.from({ length: count }, (_, i) => (this.dialect === 'postgres' ? `$${from + i}` : '?')).join(', ');
  }

  /** The ack statement for `count` ids (cached per count: acks come in batches of similar sizes). */
  private ackSql(count: number): string {
    let text = this.ackSqls.get(count);
    if (text === undefined) {
      text =
        `update relay_events set state = 'acked', acked_at = ${this.marks(1, 1)}, lease_owner = null, lease_until = null ` +
        `where app_id = ${this.marks(2, 1)} and state = 'queued' and id in (${this.marks(3, count)}) returning id`;
      if (this.ackSqls.size < 1_000) this.ackSqls.set(count, text);
    }
    return text;
  }

  /**
   * Stores an event (optionally already leased to a consumer); a delivery id that is still queued
   * is stored once. Returns the stored copy's id and whether this call stored it. Resolves only
   * after the commit. Inserts arriving in the same event-loop turn share one transaction (group
   * commit): a commit costs far more than a row, so a burst is stored at a fraction of the cost.
   */
  insert(event: NewEvent, lease?: Lease): Promise<{ id: string; inserted: boolean }> {
    return new Promise((resolve, reject) => {
      this.pendingInserts.push({ event, lease, resolve, reject });
      if (this.pendingInserts.length >= MAX_GROUP) void this.flushInserts();
      else if (!this.insertFlushScheduled) {
        this.insertFlushScheduled = true;
        setImmediate(() => void this.flushInserts());
      }
    });
  }

  private async flushInserts(): Promise<void> {
    this.insertFlushScheduled = false;
    const batch = this.pendingInserts.splice(0);
    if (batch.length === 0) return;
    let outcomes: EventRowOutcome[] | undefined;
    try {
      outcomes = this.direct?.insertAll(
        batch.map(({ event, lease }) => ({ params: this.insertParams(event, lease), id: event.id, appId: event.appId, deliveryId: event.deliveryId })),
      );
    } catch (error) {
      // The transaction itself failed (the disk is full, the file is locked): nothing was stored.
      for (const pending of batch) pending.reject(error);
      return;
    }
    if (outcomes) {
      for (const [i, pending] of batch.entries()) settle(pending, outcomes[i]);
      return;
    }
    if (batch.length === 1) {
      const [only] = batch;
      return this.insertOne(this.db, only.event, only.lease).then(only.resolve, only.reject);
    }
    // The group as one multi-row INSERT: one statement (on PostgreSQL one round trip) instead of one per event.
    let inserted: Set<string>;
    try {
      const params = batch.flatMap(({ event, lease }) => this.insertParams(event, lease));
      const result = await this.db.executeQuery<{ id: string }>(CompiledQuery.raw(this.groupInsertSql(batch.length), params));
      inserted = new Set(result.rows.map((row) => row.id));
    } catch {
      // One bad row fails the statement; it must not fail the others: each on its own.
      for (const pending of batch) this.insertOne(this.db, pending.event, pending.lease).then(pending.resolve, pending.reject);
      return;
    }
    for (const pending of batch) {
      if (inserted.has(pending.event.id)) pending.resolve({ id: pending.event.id, inserted: true });
      else this.queuedCopy(this.db, pending.event).then(pending.resolve, pending.reject);
    }
  }

  /** `insert … values (…), (…) … on conflict do nothing returning id` for `count` events (cached per count). */
  private groupInsertSql(count: number): string {
    let text = this.groupInsertSqls.get(count);
    if (text === undefined) {
      const rows = Array.from({ length: count }, (_, i) => {
        const from = i * 10 + 1;
        return `(${this.marks(from, 2)}, 'queued', ${this.marks(from + 2, 1)}, null, ${this.marks(from + 3, 7)})`;
      });
      text = `${this.insertSql.slice(0, this.insertSql.indexOf(' values '))} values ${rows.join(', ')} on conflict do nothing returning id`;
      this.groupInsertSqls.set(count, text);
    }
    return text;
  }

  private insertParams(event: NewEvent, lease: Lease | undefined): unknown[] {
    return [
      event.id,
      event.appId,
      event.receivedAt,
      event.body,
      JSON.stringify(event.headers),
      event.deliveryId,
      event.outboundIndex,
      lease?.owner ?? null,
      lease?.until ?? null,
      lease ? 1 : 0,
    ];
  }

  private async insertOne(db: Kysely<RelayDatabase>, event: NewEvent, lease: Lease | undefined): Promise<{ id: string; inserted: boolean }> {
    // The hot path: SQL written once per dialect, no query building per event.
    const params = this.insertParams(event, lease);
    // No RETURNING: the id is ours, and a plain write is cheaper than one that reads back rows.
    const result = await db.executeQuery(CompiledQuery.raw(this.insertSql, params));
    if (Number(result.numAffectedRows ?? 0) > 0) return { id: event.id, inserted: true };
    return this.queuedCopy(db, event);
  }

  /** The insert met a queued copy of the same delivery id: that copy's id. */
  private async queuedCopy(db: Kysely<RelayDatabase>, event: NewEvent): Promise<{ id: string; inserted: boolean }> {
    const existing = await db
      .selectFrom('relay_events')
      .select('id')
      .where('app_id', '=', event.appId)
      .where('delivery_id', '=', event.deliveryId)
      .where('state', '=', QUEUED)
      .executeTakeFirst();
    if (!existing) throw new Error('An event insert conflicted with no queued copy.');
    return { id: existing.id, inserted: false };
  }

  /** Leases up to `limit` of an app's available events (unleased, expired, or already `owner`'s when `reclaimOwn`) in arrival order. */
  async claim(appId: string, lease: Lease, limit: number, now: number, reclaimOwn = false): Promise<StoredEvent[]> {
    if (limit <= 0) return [];
    let pick = this.db
      .selectFrom('relay_events')
      .select('seq')
      .where('app_id', '=', appId)
      .where('state', '=', QUEUED)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now), ...(reclaimOwn ? [eb('lease_owner', '=', lease.owner)] : [])]))
      .orderBy('seq')
      .limit(limit);
    // Nodes sharing PostgreSQL claim concurrently: each skips rows another is leasing.
    if (this.dialect === 'postgres') pick = pick.forUpdate().skipLocked();
    const rows = await this.db
      .updateTable('relay_events')
      .set({ lease_owner: lease.owner, lease_until: lease.until, attempts: sql`attempts + 1` })
      .where('seq', 'in', pick)
      .returningAll()
      .execute();
    return rows.map(toEvent).sort(byArrival);
  }

  /** Acks events of the app that are still queued; unknown and already-acked ids are ignored. */
  async ack(appId: string, ids: readonly string[], now: number): Promise<string[]> {
    if (ids.length === 0) return [];
    const params = [now, appId, ...ids];
    const direct = this.direct?.ack(this.ackSql(ids.length), params);
    if (direct) return direct;
    const result = await this.db.executeQuery<{ id: string }>(CompiledQuery.raw(this.ackSql(ids.length), params));
    return result.rows.map((row) => row.id);
  }

  /** Acks every queued event of the app up to `throughId` (inclusive) that `owner` holds; returns how many. */
  async ackThrough(appId: string, owner: string, throughId: string, now: number): Promise<number> {
    const through = await this.db.selectFrom('relay_events').select('seq').where('app_id', '=', appId).where('id', '=', throughId).executeTakeFirst();
    if (!through) return 0;
    const result = await this.db
      .updateTable('relay_events')
      .set({ state: 'acked', acked_at: now, lease_owner: null, lease_until: null })
      .where('app_id', '=', appId)
      .where('state', '=', QUEUED)
      .where('lease_owner', '=', owner)
      .where('seq', '<=', through.seq)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Hands back every lease `owner` holds (a connection that closed). */
  async release(owner: string): Promise<number> {
    const result = await this.db
      .updateTable('relay_events')
      .set({ lease_owner: null, lease_until: null })
      .where('lease_owner', '=', owner)
      .where('state', '=', QUEUED)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Hands back every lease (SQLite start-up: whoever held them died with the previous process). */
  async releaseAll(): Promise<number> {
    const result = await this.db
      .updateTable('relay_events')
      .set({ lease_owner: null, lease_until: null })
      .where('state', '=', QUEUED)
      .where('lease_owner', 'is not', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Hands back some of `owner`'s leases (events a dropped connection had in flight). */
  async releaseIds(owner: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('relay_events')
      .set({ lease_owner: null, lease_until: null })
      .where('lease_owner', '=', owner)
      .where('state', '=', QUEUED)
      .where('id', 'in', ids)
      .execute();
  }

  async get(appId: string, id: string): Promise<StoredEvent | undefined> {
    const row = await this.db.selectFrom('relay_events').selectAll().where('app_id', '=', appId).where('id', '=', id).executeTakeFirst();
    return row ? toEvent(row) : undefined;
  }

  /** Events received since `since` (epoch ms), oldest first, for replay. */
  async list(appId: string, options: { since: number; limit: number; state?: 'queued' | 'acked' }): Promise<StoredEvent[]> {
    let query = this.db
      .selectFrom('relay_events')
      .selectAll()
      .where('app_id', '=', appId)
      .where('received_at', '>=', options.since)
      .orderBy('seq')
      .limit(options.limit);
    if (options.state) query = query.where('state', '=', options.state === 'queued' ? QUEUED : ACKED);
    return (await query.execute()).map(toEvent);
  }

  /** Queues an event again (replay); false when the app has no such event or it is still queued. */
  async requeue(appId: string, id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('relay_events')
      .set({ state: 'queued', acked_at: null, lease_owner: null, lease_until: null })
      .where('app_id', '=', appId)
      .where('id', '=', id)
      .where('state', '=', ACKED)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Removes an app's events (the registration was deleted). */
  async deleteApp(appId: string): Promise<void> {
    await this.db.deleteFrom('relay_events').where('app_id', '=', appId).execute();
  }

  /** Apps with queued events available now (after a restart or a lost wake-up). */
  async appsWithQueued(): Promise<string[]> {
    const rows = await this.db.selectFrom('relay_events').select('app_id').where('state', '=', QUEUED).groupBy('app_id').execute();
    return rows.map((row) => row.app_id);
  }

  /** Queue depth and oldest queued event per app (metrics, retention). */
  async queueStats(): Promise<{ appId: string; depth: number; oldest: number }[]> {
    const rows = await this.db
      .selectFrom('relay_events')
      .select(['app_id', (eb) => eb.fn.countAll<number>().as('depth'), (eb) => eb.fn.min('received_at').as('oldest')])
      .where('state', '=', QUEUED)
      .groupBy('app_id')
      .execute();
    return rows.map((row) => ({ appId: row.app_id, depth: Number(row.depth), oldest: Number(row.oldest) }));
  }

  /** Deletes acked events acked before `before`; returns how many. */
  async purgeAcked(before: number): Promise<number> {
    const result = await this.db.deleteFrom('relay_events').where('state', '=', ACKED).where('acked_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Drops queued events older than `before`; returns how many per app. */
  async dropQueuedOlderThan(before: number): Promise<Map<string, number>> {
    const rows = await this.db.deleteFrom('relay_events').where('state', '=', QUEUED).where('received_at', '<', before).returning('app_id').execute();
    return countByApp(rows);
  }

  /** Drops an app's oldest queued events beyond `keep`; returns how many. */
  async dropQueuedBeyond(appId: string, keep: number): Promise<number> {
    const cutoff = await this.db
      .selectFrom('relay_events')
      .select('seq')
      .where('app_id', '=', appId)
      .where('state', '=', QUEUED)
      .orderBy('seq', 'desc')
      .offset(keep)
      .limit(1)
      .executeTakeFirst();
    if (!cutoff) return 0;
    const result = await this.db
      .deleteFrom('relay_events')
      .where('app_id', '=', appId)
      .where('state', '=', QUEUED)
      .where('seq', '<=', cutoff.seq)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function settle(pending: PendingInsert, outcome: EventRowOutcome): void {
  if ('error' in outcome) pending.reject(outcome.error);
  else pending.resolve(outcome);
}

function countByApp(rows: { app_id: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.app_id, (counts.get(row.app_id) ?? 0) + 1);
  return counts;
}
