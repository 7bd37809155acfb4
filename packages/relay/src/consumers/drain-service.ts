import type { RelayMetrics } from '../ops/relay-metrics.js';
import type { EventsStore, StoredEvent } from '../store/events-store.js';
import { bodyFields } from './event-frames.js';

export interface DrainOptions {
  /** How long events handed to a drain stay with it before WebSockets may have them. */
  leaseMs: number;
  now: () => number;
  /** The most events one seed-style drain returns (the rest wait for the next call). */
  maxDrain: number;
}

export interface DrainedEvent {
  id: string;
  data: unknown;
  headers: Record<string, string>;
  raw: string;
  rawEncoding?: 'base64';
  receivedAt: number;
}

/**
 * The REST drain. Events it hands out are leased to the app's drain owner, so WebSocket consumers
 * never get them at the same time. The seed's form acks what it returns at once; the safe form
 * (`?limit`) acks nothing until the next call names the last id it got, and meanwhile hands the
 * same events out again — a lost response loses nothing.
 */
export class DrainService {
  constructor(
    private readonly events: EventsStore,
    private readonly metrics: RelayMetrics,
    private readonly options: DrainOptions,
  ) {}

  /** Seed 004: `{eventId: event}`, oldest first; they are no longer queued afterwards. */
  async drainAll(appId: string): Promise<Record<string, unknown>> {
    const claimed = await this.claim(appId, this.options.maxDrain);
    const acked = new Set(
      await this.events.ack(
        appId,
        claimed.map((event) => event.id),
        this.options.now(),
      ),
    );
    this.metrics.acked.inc(acked.size);
    const drained: Record<string, unknown> = {};
    for (const event of claimed) if (acked.has(event.id)) drained[event.id] = bodyFields(event.body, event.headers).data;
    return drained;
  }

  /** Ours: acks through `ack` (the last id of the previous page), then returns up to `limit` events. */
  async drainPage(appId: string, limit: number, ack: string | undefined): Promise<{ events: DrainedEvent[]; next: string | null }> {
    if (ack !== undefined) {
      const count = await this.events.ackThrough(appId, drainOwner(appId), ack, this.options.now());
      this.metrics.acked.inc(count);
    }
    const claimed = await this.claim(appId, limit);
    const events = claimed.map((event) => drained(event));
    return { events, next: events.length > 0 ? events[events.length - 1].id : null };
  }

  private async claim(appId: string, limit: number): Promise<StoredEvent[]> {
    const now = this.options.now();
    const claimed = await this.events.claim(appId, { owner: drainOwner(appId), until: now + this.options.leaseMs }, limit, now, true);
    this.metrics.handedOut.inc(claimed.length);
    return claimed;
  }
}

export function drainOwner(appId: string): string {
  return `drain:${appId}`;
}

function drained(event: StoredEvent): DrainedEvent {
  return { id: event.id, ...bodyFields(event.body, event.headers), headers: event.headers, receivedAt: event.receivedAt };
}
