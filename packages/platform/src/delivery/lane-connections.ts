import { Client } from 'undici';

export interface LaneConnectionsOptions {
  /** Connections per origin; lanes are spread over them by a hash of the lane. */
  connectionsPerOrigin?: number;
  /** Requests pipelined on one connection (the sum over the lanes sharing it). */
  pipelining?: number;
  keepAliveTimeoutMs?: number;
  /** undici connect options or connector (e.g. one that checks the address it connects to). */
  connect?: Client.Options['connect'];
}

/** FNV-1a: a cheap, stable spread of lane keys over an origin's connections. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }
  return value >>> 0;
}

/**
 * Keep-alive HTTP/1.1 connections where each ordering lane always uses the same connection.
 * A lane's deliveries are pipelined on it, so the app receives them in the order they were
 * sent (a pool would spread them over connections and let them overtake one another).
 */
export class LaneConnections {
  private readonly clients = new Map<string, Client>();
  private readonly perOrigin: number;
  private readonly options: LaneConnectionsOptions;

  constructor(options: LaneConnectionsOptions = {}) {
    this.options = options;
    this.perOrigin = Math.max(1, options.connectionsPerOrigin ?? 16);
  }

  /** The connection of `lane` to `origin` (created on first use). */
  clientFor(origin: string, lane: string): Client {
    const key = `${origin}#${hash(lane) % this.perOrigin}`;
    let client = this.clients.get(key);
    if (client === undefined || client.closed || client.destroyed) {
      client = new Client(origin, {
        pipelining: this.options.pipelining ?? 32,
        keepAliveTimeout: this.options.keepAliveTimeoutMs ?? 30_000,
        keepAliveMaxTimeout: 120_000,
        ...(this.options.connect ? { connect: this.options.connect } : {}),
      });
      this.clients.set(key, client);
    }
    return client;
  }

  /** Closes every connection (idempotent). */
  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map((client) => client.close().catch(() => {})));
  }
}
