import { createHash } from 'node:crypto';

/** What the listener needs of a PostgreSQL client (`pg.Client`); protocol itself does not load `pg`. */
export interface ListenClient {
  connect(): Promise<unknown>;
  query(text: string): Promise<unknown>;
  end(): Promise<unknown>;
  on(event: 'notification', listener: (notification: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
}

export interface PgChannelListenerOptions {
  channel: string;
  /** A new, unconnected client for the dedicated LISTEN connection. */
  createClient: () => ListenClient;
  onPayload: (payload: string | undefined) => void;
  /** After each (re)connect: NOTIFYs sent while no listener was connected are gone, so look again. */
  onConnected?: (reconnect: boolean) => void;
  onError: (error: unknown) => void;
  /** Reconnect backoff: doubles from the first to the cap, with jitter. Default 100 ms → 5 s. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

/**
 * A dedicated connection LISTENing on one channel, as the platform's cluster bus and the relay's
 * wake-ups use it: a dropped connection (an 'error' and an 'end' arrive for one loss) is given
 * up once and replaced after a backoff with jitter, until `stop()`.
 */
export class PgChannelListener {
  /** Times the listener connected (1 after start; more after reconnects). */
  connects = 0;
  private client: ListenClient | undefined;
  private readonly dropped = new WeakSet<ListenClient>();
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;

  constructor(private readonly options: PgChannelListenerOptions) {}

  /** The connected client, if any (tests read its server process id to terminate it). */
  get current(): ListenClient | undefined {
    return this.client;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = this.options.createClient();
    client.on('notification', (notification) => {
      if (notification.channel === this.options.channel) this.options.onPayload(notification.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.options.channel}"`);
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
    try {
      this.options.onConnected?.(this.connects > 1);
    } catch (error) {
      this.options.onError(error);
    }
  }

  /** The listener failed or ended: drop it and try again later (once per lost client). */
  private lost(client: ListenClient, error?: unknown): void {
    if (this.dropped.has(client)) return;
    this.dropped.add(client);
    if (this.client === client) this.client = undefined;
    client.end().catch(() => {});
    if (this.stopped) return;
    if (error) this.options.onError(error);
    const min = this.options.reconnectMinMs ?? 100;
    const max = this.options.reconnectMaxMs ?? 5_000;
    const delay = Math.min(max, min * 2 ** this.failures) * (0.5 + Math.random() / 2);
    this.failures += 1;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
    this.reconnectTimer.unref();
  }
}

/** `<prefix>_<schema>`, hashed when that would exceed PostgreSQL's 63-byte identifiers. */
export function pgChannelName(prefix: string, schema: string): string {
  const plain = `${prefix}_${schema}`;
  return plain.length <= 63 && /^[a-z0-9_]+$/.test(plain) ? plain : `${prefix}_${createHash('sha256').update(schema).digest('hex').slice(0, 40)}`;
}
