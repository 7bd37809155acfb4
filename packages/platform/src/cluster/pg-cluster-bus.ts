import { createHash } from 'node:crypto';
import { type QueryExecutorProvider, sql } from 'kysely';
import pg from 'pg';
import type { ClusterBus, ClusterHandler, ClusterMessage } from './cluster-bus.js';

/** PostgreSQL refuses NOTIFY payloads of 8 000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7_900;

export interface PgClusterBusOptions {
  /** Runs the NOTIFYs (the store's pool). */
  db: QueryExecutorProvider;
  /** For the dedicated LISTEN connection. */
  connectionString: string;
  /** The store's schema: nodes of one schema form one cluster, other schemas never hear them. */
  schema?: string;
  nodeId: string;
  /** An announce goes out at once, then further ones within this window become one message. Default 5 ms. */
  coalesceMs?: number;
  /** Reconnect backoff of the listener: doubles from the first to the cap, with jitter. Default 100 ms → 5 s. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * The cluster bus on PostgreSQL: one dedicated client LISTENs on a channel named after the
 * schema, messages go out with `pg_notify` through the pool. NOTIFY is delivered at commit and
 * takes a cluster-wide lock then, so `announce` coalesces: at most one message per kind per
 * window however many commits call it. A dropped listener reconnects with backoff and then
 * runs the resync handlers, as messages sent meanwhile are gone.
 */
export class PgClusterBus implements ClusterBus {
  readonly shared = true;
  readonly nodeId: string;
  /** The NOTIFY/LISTEN channel. */
  readonly channel: string;
  /** Times the listener connected (1 after start; more after reconnects). */
  connects = 0;
  private readonly handlers = new Map<string, ClusterHandler[]>();
  private readonly resyncHandlers: (() => void)[] = [];
  /** Kinds announced within their current window: true when another announce came meanwhile. */
  private readonly windows = new Map<string, boolean>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private client: pg.Client | undefined;
  /** Clients already given up on ('error' and 'end' both arrive for one loss). */
  private readonly dropped = new WeakSet<pg.Client>();
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;

  constructor(private readonly options: PgClusterBusOptions) {
    this.nodeId = options.nodeId;
    this.channel = channelFor(options.schema ?? 'public');
  }

  /** The server process id of the LISTEN connection (tests terminate it to prove reconnects). */
  listenerPid(): number | undefined {
    return (this.client as unknown as { processID?: number } | undefined)?.processID;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  on(kind: string, handler: ClusterHandler): void {
    const list = this.handlers.get(kind) ?? [];
    list.push(handler);
    this.handlers.set(kind, list);
  }

  onResync(handler: () => void): void {
    this.resyncHandlers.push(handler);
  }

  announce(kind: string): void {
    if (this.stopped) return;
    if (this.windows.has(kind)) {
      this.windows.set(kind, true);
      return;
    }
    this.windows.set(kind, false);
    void this.send(kind);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const again = this.windows.get(kind);
      this.windows.delete(kind);
      if (again) this.announce(kind);
    }, this.options.coalesceMs ?? 5);
    this.timers.add(timer);
  }

  async send(kind: string, fields: Record<string, unknown> = {}): Promise<void> {
    if (this.stopped) return;
    const payload = JSON.stringify({ ...fields, k: kind, n: this.nodeId });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) throw new Error(`cluster message ${kind} is too large for NOTIFY`);
    try {
      await sql`select pg_notify(${this.channel}, ${payload})`.execute(this.options.db);
    } catch (error) {
      // A hint lost: the receivers' polling still finds the work.
      this.options.onError?.(error);
    }
  }

  private receive(payload: string | undefined): void {
    let message: ClusterMessage;
    try {
      message = JSON.parse(payload ?? '') as ClusterMessage;
    } catch {
      return;
    }
    if (typeof message?.k !== 'string' || message.n === this.nodeId) return;
    for (const handler of this.handlers.get(message.k) ?? []) {
      try {
        handler(message);
      } catch (error) {
        this.options.onError?.(error);
      }
    }
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.connectionString, keepAlive: true, application_name: 'switchboard-cluster' });
    client.on('notification', (notification) => {
      if (notification.channel === this.channel) this.receive(notification.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.failures = 0;
    this.connects += 1;
    for (const handler of this.resyncHandlers) {
      try {
        handler();
      } catch (error) {
        this.options.onError?.(error);
      }
    }
  }

  /** The listener failed or ended: drop it and try again later (once per lost client). */
  private lost(client: pg.Client, error?: unknown): void {
    if (this.dropped.has(client)) return;
    this.dropped.add(client);
    if (this.client === client) this.client = undefined;
    client.end().catch(() => {});
    if (this.stopped) return;
    if (error) this.options.onError?.(error);
    const min = this.options.reconnectMinMs ?? 100;
    const max = this.options.reconnectMaxMs ?? 5_000;
    const delay = Math.min(max, min * 2 ** this.failures) * (0.5 + Math.random() / 2);
    this.failures += 1;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
    this.reconnectTimer.unref();
  }
}

/** `switchboard_<schema>`, hashed when that would exceed PostgreSQL's 63-byte identifiers. */
export function channelFor(schema: string): string {
  const plain = `switchboard_${schema}`;
  return plain.length <= 63 && /^[a-z0-9_]+$/.test(plain) ? plain : `switchboard_${createHash('sha256').update(schema).digest('hex').slice(0, 40)}`;
}
