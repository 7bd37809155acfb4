import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What the gauges read at scrape time. */
export interface QueueProbe {
  /** Pending outbox rows and the age of the oldest (OutboxStore.depth). */
  depth(): Promise<{ pending: number; oldestAgeMs: number }>;
  /** Endpoints this node currently holds behind a gate. */
  gatedEndpoints(): number;
}

/** Attempt outcomes as the transport reported them. */
export type AttemptResult = 'ok' | 'retry' | 'permanent';
/** Row outcomes as the dispatcher recorded them. */
export type DeliveryOutcomeLabel = 'delivered' | 'retry' | 'failed' | 'cancelled';

/**
 * Process metrics are per process, not per platform: one registry for them, shared by every
 * platform of the process (tests start many; a second collectDefaultMetrics would double them).
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** The delivery counters, histogram and gauges of one platform node, in its own registry. */
export class DeliveryMetrics {
  readonly registry = new Registry();
  private readonly deliveries: Counter<'outcome' | 'transport'>;
  private readonly attempts: Histogram<'transport' | 'result'>;
  private readonly refusedTargets: Counter<'range'>;
  // Label children resolved once: the hot path then skips prom-client's per-call label hashing.
  private readonly deliveryChildren = new Map<string, { inc(): void }>();
  private readonly attemptChildren = new Map<string, { observe(value: number): void }>();

  constructor(probe: QueueProbe) {
    // Process CPU counters count from their registration: register at start-up, not at the first scrape.
    processMetrics();
    this.deliveries = new Counter({
      name: 'switchboard_deliveries_total',
      help: 'Settled delivery attempts by outcome (delivered, retry scheduled, failed for good, cancelled) and transport',
      labelNames: ['outcome', 'transport'],
      registers: [this.registry],
    });
    this.attempts = new Histogram({
      name: 'switchboard_delivery_attempt_duration_seconds',
      help: 'Duration of one delivery attempt, from send to outcome, by transport and result',
      labelNames: ['transport', 'result'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.refusedTargets = new Counter({
      name: 'switchboard_outbound_refused_total',
      help: 'Outbound connections (events, triggers, webhook verification) refused by the URL-safety policy, by address range',
      labelNames: ['range'],
      registers: [this.registry],
    });
    // One depth query per scrape serves both gauges.
    let depth: Promise<{ pending: number; oldestAgeMs: number }> | undefined;
    const read = () => {
      depth ??= probe.depth().finally(() => setImmediate(() => (depth = undefined)));
      return depth;
    };
    new Gauge({
      name: 'switchboard_outbox_pending',
      help: 'Event deliveries waiting in the outbox (due or scheduled for a retry)',
      registers: [this.registry],
      async collect() {
        this.set((await read()).pending);
      },
    });
    new Gauge({
      name: 'switchboard_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest pending delivery (0 when none)',
      registers: [this.registry],
      async collect() {
        this.set((await read()).oldestAgeMs / 1000);
      },
    });
    new Gauge({
      name: 'switchboard_delivery_gated_endpoints',
      help: 'Endpoints held behind a gate by this node (one probe per retry tick until one succeeds)',
      registers: [this.registry],
      collect() {
        this.set(probe.gatedEndpoints());
      },
    });
  }

  attempt(transport: string, result: AttemptResult, seconds: number): void {
    const key = `${transport}\u0000${result}`;
    let child = this.attemptChildren.get(key);
    if (!child) {
      child = this.attempts.labels({ transport, result });
      this.attemptChildren.set(key, child);
    }
    child.observe(seconds);
  }

  settled(outcome: DeliveryOutcomeLabel, transport: string): void {
    const key = `${outcome}\u0000${transport}`;
    let child = this.deliveryChildren.get(key);
    if (!child) {
      child = this.deliveries.labels({ outcome, transport });
      this.deliveryChildren.set(key, child);
    }
    child.inc();
  }

  /** An outbound connection was refused (rare: no label-child cache needed). */
  outboundRefused(range: string): void {
    this.refusedTargets.inc({ range });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition: this node's metrics, then the process's. */
  async text(): Promise<string> {
    return `${await this.registry.metrics()}\n${await processMetrics().metrics()}`;
  }
}
