import type { Logger } from 'pino';
import type { RelayMetrics } from '../ops/relay-metrics.js';
import type { EventsStore, Lease, StoredEvent } from '../store/events-store.js';
import type { Consumer } from './consumer.js';
import { eventFrame } from './event-frames.js';

/** A consumer slot reserved for an event about to be stored, and the lease to store it under. */
export interface NewEventLease {
  consumer: Consumer;
  slot: string;
  lease: Lease;
}

export interface ConsumerHubOptions {
  maxInFlight: number;
  ackTimeoutMs: number;
  now: () => number;
}

/**
 * Hands each app's queued events to its connected consumers on this node: in arrival order, each
 * event to one consumer at a time (a lease in the store, so other nodes and the REST drain skip it),
 * at most `maxInFlight` unacked per consumer. An event whose lease runs out, or whose consumer
 * left, becomes available again and is handed out again.
 */
export class ConsumerHub {
  private readonly byApp = new Map<string, Consumer[]>();
  /** Apps whose pump is running; `true` when another pass was asked for meanwhile. */
  private readonly pumping = new Map<string, boolean>();
  /** Apps that may have available events no consumer holds (so a new event must queue behind them). */
  private readonly backlog = new Set<string>();
  private readonly pendingAcks = new Map<string, Set<string>>();
  private ackFlushScheduled = false;
  private roundRobin = 0;
  private reservations = 0;
  /** Told when an app gains its first consumer here or loses its last (cluster presence). */
  onAppsChanged: (() => void) | undefined;

  constructor(
    private readonly events: EventsStore,
    private readonly metrics: RelayMetrics,
    private readonly options: ConsumerHubOptions,
    private readonly log: Logger,
  ) {}

  attach(consumer: Consumer): void {
    const list = this.byApp.get(consumer.appId) ?? [];
    list.push(consumer);
    this.byApp.set(consumer.appId, list);
    this.metrics.connections.inc();
    if (list.length === 1) this.onAppsChanged?.();
    this.wake(consumer.appId);
  }

  /** The consumer is gone: whatever it held goes back to the queue and to the others. */
  async detach(consumer: Consumer): Promise<void> {
    const list = this.byApp.get(consumer.appId);
    if (!list?.includes(consumer)) return;
    list.splice(list.indexOf(consumer), 1);
    if (list.length === 0) {
      this.byApp.delete(consumer.appId);
      this.onAppsChanged?.();
    }
    this.metrics.connections.dec();
    consumer.inFlight.clear();
    await this.events.release(consumer.id);
    this.wake(consumer.appId);
  }

  /** Shutdown: every consumer's events go back to the queue now (their sockets are closing). */
  async detachAll(): Promise<void> {
    const all = [...this.byApp.values()].flat();
    this.byApp.clear();
    this.metrics.connections.set(0);
    for (const consumer of all) {
      consumer.inFlight.clear();
      await this.events.release(consumer.id);
    }
  }

  /** Apps with at least one consumer connected here. */
  appsWithConsumers(): string[] {
    return [...this.byApp.keys()];
  }

  consumers(appId: string): readonly Consumer[] {
    return this.byApp.get(appId) ?? [];
  }

  /** An open consumer of the app, taking turns (triggers go to one at a time). */
  pick(appId: string): Consumer | undefined {
    const open = this.consumers(appId).filter((c) => c.isOpen());
    if (open.length === 0) return undefined;
    this.roundRobin = (this.roundRobin + 1) % 1_000_000;
    return open[this.roundRobin % open.length];
  }

  /**
   * Before storing a new event: the consumer to lease it to at once (one write instead of two),
   * when the app has no backlog it would overtake and a consumer has room. The slot is reserved
   * until `deliverLeased` or `cancelLease`.
   */
  leaseForNew(appId: string): NewEventLease | undefined {
    if (this.backlog.has(appId) || this.pumping.has(appId)) return undefined;
    const consumer = this.withRoom(appId)[0];
    if (!consumer) return undefined;
    const until = this.options.now() + this.options.ackTimeoutMs;
    this.reservations += 1;
    const slot = `~${this.reservations}`;
    consumer.inFlight.set(slot, until);
    return { consumer, slot, lease: { owner: consumer.id, until } };
  }

  /** The event was not stored under that lease (a duplicate, a failed insert). */
  cancelLease(reserved: NewEventLease): void {
    reserved.consumer.inFlight.delete(reserved.slot);
  }

  /** A stored event leased by `leaseForNew`: send it (or hand it back if the consumer left). */
  deliverLeased(reserved: NewEventLease, event: StoredEvent): void {
    const { consumer, slot, lease } = reserved;
    consumer.inFlight.delete(slot);
    if (!consumer.isOpen()) {
      void this.events.releaseIds(consumer.id, [event.id]).then(() => this.wake(event.appId), this.fail);
      return;
    }
    this.send(consumer, event, lease.until);
  }

  /** New or returned events for `appId` (stored here, on another node, released, replayed). */
  wake(appId: string): void {
    if (appId === '*') {
      for (const id of this.byApp.keys()) this.wake(id);
      return;
    }
    this.backlog.add(appId);
    if (!this.byApp.has(appId)) return;
    if (this.pumping.has(appId)) {
      this.pumping.set(appId, true);
      return;
    }
    this.pumping.set(appId, false);
    void this.pump(appId);
  }

  /** An ack from a consumer; acks arriving together are written in one statement. */
  ack(consumer: Consumer, id: string): void {
    consumer.inFlight.delete(id);
    const set = this.pendingAcks.get(consumer.appId) ?? new Set<string>();
    set.add(id);
    this.pendingAcks.set(consumer.appId, set);
    if (this.ackFlushScheduled) return;
    this.ackFlushScheduled = true;
    setImmediate(() => void this.flushAcks());
  }

  /** Periodic: leases that ran out are handed out again; events stored elsewhere are picked up. */
  tick(): void {
    const now = this.options.now();
    for (const [appId, list] of this.byApp) {
      for (const consumer of list) {
        for (const [id, until] of consumer.inFlight) {
          if (until <= now) consumer.inFlight.delete(id);
        }
      }
      this.wake(appId);
    }
  }

  /** Waits for acks not yet written (shutdown). */
  async flush(): Promise<void> {
    await this.flushAcks();
  }

  private async flushAcks(): Promise<void> {
    this.ackFlushScheduled = false;
    const batches = [...this.pendingAcks];
    this.pendingAcks.clear();
    for (const [appId, ids] of batches) {
      try {
        const acked = await this.events.ack(appId, [...ids], this.options.now());
        this.metrics.acked.inc(acked.length);
      } catch (error) {
        this.fail(error);
      }
      // Room was made: more events may go out.
      if (this.byApp.has(appId) && (this.backlog.has(appId) || this.pumping.has(appId))) this.wake(appId);
    }
  }

  private withRoom(appId: string): Consumer[] {
    return this.consumers(appId)
      .filter((c) => c.isOpen() && c.inFlight.size < this.options.maxInFlight)
      .sort((a, b) => a.inFlight.size - b.inFlight.size);
  }

  private async pump(appId: string): Promise<void> {
    try {
      for (;;) {
        this.pumping.set(appId, false);
        let exhausted = false;
        for (const consumer of this.withRoom(appId)) {
          const room = this.options.maxInFlight - consumer.inFlight.size;
          const now = this.options.now();
          const lease = { owner: consumer.id, until: now + this.options.ackTimeoutMs };
          const claimed = await this.events.claim(appId, lease, room, now);
          for (const event of claimed) this.send(consumer, event, lease.until);
          if (claimed.length < room) {
            exhausted = true;
            break;
          }
        }
        if (exhausted && this.pumping.get(appId) === false) this.backlog.delete(appId);
        if (!this.pumping.get(appId)) break;
      }
    } catch (error) {
      this.fail(error);
    } finally {
      this.pumping.delete(appId);
    }
  }

  private send(consumer: Consumer, event: StoredEvent, until: number): void {
    if (!consumer.isOpen()) return;
    consumer.inFlight.set(event.id, until);
    consumer.send(eventFrame(event));
    this.metrics.handedOut.inc();
    if (event.attempts > 1) this.metrics.resent.inc();
  }

  private readonly fail = (error: unknown) => {
    this.log.error({ err: error }, 'relay hand-out failed');
  };
}
