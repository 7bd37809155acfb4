import type { Clock } from '../clock.js';
import type { OutboxRow, OutboxStore, RowResult } from './outbox-store.js';
import type { DeliveryTargets, TransportName } from './targets.js';
import type { DeliveryOutcome, DeliveryTransport } from './transport.js';

export interface DispatcherOptions {
  store: OutboxStore;
  targets: DeliveryTargets;
  transports: Partial<Record<TransportName, DeliveryTransport>>;
  clock?: Clock;
  /** Lease owner id; unique per process by default. */
  nodeId?: string;
  /** Rows per claim (one statement). */
  batchSize?: number;
  /** Rows leased and not yet recorded, across all lanes. */
  maxInFlight?: number;
  /** Fallback polling when nobody calls wake() (retries coming due, other nodes' rows). */
  pollIntervalMs?: number;
  /** How long a claim is held before another node may retake it; must exceed a lane's sends. */
  leaseMs?: number;
  /**
   * Deliveries of one lane (app + channel) in flight at once, for transports that set no window
   * of their own (`DeliveryTransport.laneWindow`). They are started in order and, over
   * HTTP, pipelined on the lane's own connection, so they reach the app in order. Only when the
   * app fails one (non-2xx) while later ones of the window succeed can those later ones arrive
   * before its retry; everything not yet sent waits behind the failed one. 1 = strict
   * stop-and-wait ordering.
   */
  laneWindow?: number;
  /** Consecutive failures that gate an endpoint. */
  tripAfterFailures?: number;
  /**
   * Settled rows (delivered, failed, cancelled) are deleted this long after they were enqueued
   * (the operations API lists deliveries until then). Default 7 days; 0 keeps them forever.
   */
  retentionMs?: number;
  /** Outcomes written per transaction at most. */
  recordBatchSize?: number;
  /** Called for each settled row (metrics, benchmarks); must not throw. */
  onResult?: (row: OutboxRow, result: RowResult, outcome: DeliveryOutcome | undefined, latencyMs: number) => void;
  onError?: (error: unknown) => void;
}
