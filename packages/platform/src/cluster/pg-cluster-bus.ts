import { PgChannelListener, pgChannelName } from '@switchboard/protocol';
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
  private readonly handlers = new Map<string, ClusterHandler[]>();
  private readonly resyncHandlers: (() => void)[] = [];
  /** Kinds announced within their current window: true when another announce came meanwhile. */
  private readonly windows = new Map<string, boolean>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly listener: PgChannelListener;
  private stopped = false;

  constructor(private readonly options: PgClusterBusOptions) {
    this.nodeId = options.nodeId;
    this.channel = channelFor(options.schema ?? 'public');
    this.listener = new PgChannelListener({
      channel: this.channel,
      createClient: () => new pg.Client({ connectionString: options.connectionString, keepAlive: true, application_name: 'switchboard-cluster' }),
      onPayload: (payload) => this.receive(payload),
      // Every connect, the first too: what was announced before it is caught up by the resync handlers.
      onConnected: () => this.resync(),
      onError: (error) => this.options.onError?.(error),
      reconnectMinMs: options.reconnectMinMs,
      reconnectMaxMs: options.reconnectMaxMs,
    });
  }

  /** Times the listener connected (1 after start; more after reconnects). */
  get connects(): number {
    return this.listener.connects;
  }

  /** The server process id of the LISTEN connection (tests terminate it to prove reconnects). */
  listenerPid(): number | undefined {
    return (this.listener.current as unknown as { processID?: number } | undefined)?.processID;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.listener.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.listener.stop();
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

  private resync(): void {
    for (const handler of this.resyncHandlers) {
      try {
        handler();
      } catch (error) {
        this.options.onError?.(error);
      }
    }
  }
}

/** `switchboard_<schema>`, hashed when that would exceed PostgreSQL's 63-byte identifiers. */
export function channelFor(schema: string): string {
  return pgChannelName('switchboard', schema);
}
