import type { Clock } from '../clock.js';
import type { OutboxRow, RowResult } from '../delivery/outbox-store.js';
import type { TransportName } from '../delivery/targets.js';
import type { DeliveryOutcome, DeliveryTransport } from '../delivery/transport.js';
import type { DeliveryMetrics } from '../metrics/delivery-metrics.js';
import type { AttemptLog } from './attempt-log.js';
import type { DeliveryFeed } from './delivery-feed.js';

interface Started {
  transport: TransportName;
  url: string;
  at: number;
}

/**
 * Watches deliveries without touching the dispatcher: `wrap` puts each transport behind a thin
 * proxy that notes where an attempt went and times it; `onResult` (the dispatcher's hook) joins
 * that with the recorded outcome into the metrics and the attempt log. Both only append to
 * memory; nothing here waits on the database.
 */
export class DeliveryObserver {
  /** Attempts sent and not yet settled, by delivery id (settled in the same turn as they finish). */
  private readonly started = new Map<string, Started>();

  constructor(
    private readonly clock: Clock,
    private readonly attempts: AttemptLog,
    private readonly metrics: DeliveryMetrics,
    private readonly feed?: DeliveryFeed,
  ) {}

  wrap(name: TransportName, transport: DeliveryTransport): DeliveryTransport {
    return {
      endpointKey: (target) => transport.endpointKey(target),
      ...(transport.laneWindow === undefined ? {} : { laneWindow: transport.laneWindow }),
      send: async (delivery, signal) => {
        this.started.set(delivery.id, { transport: name, url: delivery.target.url, at: this.clock.now() });
        const began = performance.now();
        const outcome = await transport.send(delivery, signal);
        if (outcome.kind === 'held') this.started.delete(delivery.id);
        else this.metrics.attempt(name, outcome.kind, (performance.now() - began) / 1000);
        return outcome;
      },
    };
  }

  /**
   * The dispatcher's `onResult`. Keeps failed attempts and the success that ends a run of
   * failures (a first-try success is fully described by its outbox row), so the attempt table
   * grows with trouble, not with traffic — and endpoint gating bounds trouble to one probe per
   * endpoint per retry tick.
   */
  readonly onResult = (row: OutboxRow, result: RowResult, _outcome: DeliveryOutcome | undefined, latencyMs: number): void => {
    const started = this.started.get(row.id);
    this.started.delete(row.id);
    if (result.kind === 'release') return;
    this.metrics.settled(result.kind, started?.transport ?? 'none');
    if (this.feed?.active && result.kind !== 'cancelled' && !(result.kind === 'failed' && !result.attempted)) {
      this.feed.publish({
        appId: row.app_id,
        kind: `${row.target ? 'WEBHOOK' : 'PUMBLE_EVENT'} ${row.event_type}`,
        transport: started?.transport ?? 'none',
        status: result.status ?? undefined,
        latencyMs,
        ...(result.kind === 'delivered' || !result.error ? {} : { error: result.error }),
        ...(row.attempts > 0 ? { retry: row.attempts } : {}),
      });
    }
    if (result.kind === 'cancelled' || (result.kind === 'failed' && !result.attempted)) return;
    if (result.kind === 'delivered' && row.attempts === 0) return;
    this.attempts.add({
      delivery_id: row.id,
      app_id: row.app_id,
      attempted_at: started?.at ?? this.clock.now(),
      transport: started?.transport ?? null,
      url: started?.url ?? null,
      outcome: result.kind,
      status_code: result.status,
      latency_ms: started ? Math.round(latencyMs * 1000) / 1000 : null,
      error: result.kind === 'delivered' ? null : (result.error?.slice(0, 300) ?? null),
      next_attempt_at: result.kind === 'retry' ? result.nextAttemptAt : null,
    });
  };
}
