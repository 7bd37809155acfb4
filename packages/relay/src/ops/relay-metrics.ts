import { Counter, Gauge, Registry } from 'prom-client';

/** Where queue gauges come from at scrape time. */
export interface QueueStatsSource {
  queueStats(): Promise<{ appId: string; depth: number; oldest: number }[]>;
}

/**
 * The relay's Prometheus metrics, in a registry of its own (several relays in one process, as in
 * tests, never share counters). Queue depth and oldest age are read from the store at scrape time.
 */
export class RelayMetrics {
  readonly registry = new Registry();
  readonly received = new Counter({ name: 'relay_hooks_received_total', help: 'Hook requests received', registers: [this.registry] });
  readonly stored = new Counter({ name: 'relay_events_stored_total', help: 'Events committed to the queue', registers: [this.registry] });
  readonly handedOut = new Counter({
    name: 'relay_events_handed_out_total',
    help: 'Events sent to a consumer (first time or again)',
    registers: [this.registry],
  });
  readonly acked = new Counter({ name: 'relay_events_acked_total', help: 'Events acked by a consumer', registers: [this.registry] });
  readonly resent = new Counter({ name: 'relay_events_resent_total', help: 'Events handed out again (ack timeout, reconnect)', registers: [this.registry] });
  readonly dropped = new Counter({
    name: 'relay_events_dropped_total',
    help: 'Queued events dropped by retention',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly rejected = new Counter({ name: 'relay_hooks_rejected_total', help: 'Hook requests refused', labelNames: ['reason'], registers: [this.registry] });
  readonly triggers = new Counter({ name: 'relay_triggers_total', help: 'Triggers relayed, by outcome', labelNames: ['outcome'], registers: [this.registry] });
  readonly connections = new Gauge({ name: 'relay_connections', help: 'Open consumer WebSockets on this node', registers: [this.registry] });

  constructor(source: QueueStatsSource) {
    const depth = new Gauge({ name: 'relay_queue_depth', help: 'Queued (unacked) events, all apps', registers: [this.registry] });
    const oldest = new Gauge({ name: 'relay_queue_oldest_age_seconds', help: 'Age of the oldest queued event', registers: [this.registry] });
    const apps = new Gauge({ name: 'relay_queue_apps', help: 'Apps with queued events', registers: [this.registry] });
    const collect = async () => {
      const stats = await source.queueStats();
      depth.set(stats.reduce((sum, s) => sum + s.depth, 0));
      apps.set(stats.length);
      const first = stats.length === 0 ? undefined : Math.min(...stats.map((s) => s.oldest));
      oldest.set(first === undefined ? 0 : Math.max(0, (Date.now() - first) / 1000));
    };
    this.collectQueue = collect;
  }

  /** Refreshes the store-backed gauges; called before each scrape. */
  readonly collectQueue: () => Promise<void>;

  async render(): Promise<{ contentType: string; body: string }> {
    await this.collectQueue();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
