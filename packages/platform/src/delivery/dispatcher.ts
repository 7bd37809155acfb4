import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type Clock, systemClock } from '../clock.js';
import { EndpointGates } from './endpoint-gates.js';
import type { OutboxRow, OutboxStore, RowResult } from './outbox-store.js';
import { GIVE_UP_AFTER_MS, nextAttemptAt, RETRY_INTERVAL_MS, scheduleExhausted } from './retry-schedule.js';
import type { DeliveryTargets, TransportName } from './targets.js';
import type { Delivery, DeliveryOutcome, DeliveryTransport } from './transport.js';

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
  /** Consecutive failures that gate an endpoint. */
  tripAfterFailures?: number;
  /** Outcomes written per transaction at most. */
  recordBatchSize?: number;
  /** Called for each settled row (metrics, benchmarks); must not throw. */
  onResult?: (row: OutboxRow, result: RowResult, outcome: DeliveryOutcome | undefined, latencyMs: number) => void;
  onError?: (error: unknown) => void;
}

const WAKE_COALESCE_MS = 5;
const FLUSH_DELAY_MS = 2;

const laneKey = (row: OutboxRow) => `${row.app_id}\u0000${row.channel_key}`;

/**
 * Claims due outbox rows in batches, delivers them concurrently (lanes in parallel, each lane
 * in order), and records outcomes in batches. One per process; on PostgreSQL several processes
 * share the table through leases.
 */
export class DeliveryDispatcher {
  readonly nodeId: string;
  private readonly store: OutboxStore;
  private readonly clock: Clock;
  private readonly gates: EndpointGates;
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly leaseMs: number;
  private readonly recordBatchSize: number;
  private readonly abort = new AbortController();
  private readonly lanes = new Set<Promise<void>>();
  /** Keys of the lanes this node is delivering: the next claim does not look at them. */
  private readonly activeLanes = new Set<string>();
  /** A lane ended since the last claim: its next rows (or released ones) may be claimable once recorded. */
  private laneEnded = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private pumping: Promise<number> | undefined;
  private pumpAgain = false;
  private pendingResults: RowResult[] = [];
  private lastStaleSweep = Number.NEGATIVE_INFINITY;
  private flushing: Promise<void> = Promise.resolve();
  private flushScheduled: NodeJS.Timeout | undefined;

  constructor(private readonly options: DispatcherOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.nodeId = options.nodeId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.gates = new EndpointGates(options.tripAfterFailures ?? 3);
    this.batchSize = options.batchSize ?? 200;
    this.maxInFlight = options.maxInFlight ?? 2_000;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.recordBatchSize = options.recordBatchSize ?? 500;
  }

  /** Starts polling. On SQLite this process is the only dispatcher, so leases left by a killed one are dropped. */
  async start(): Promise<void> {
    if (this.store.dialect === 'sqlite') await this.store.releaseLeases();
    const every = this.options.pollIntervalMs ?? 250;
    this.timer = setInterval(() => this.wake(), every);
    this.timer.unref();
    this.wake();
  }

  /** Runs a claim cycle soon; call after committing new outbox rows. Cheap to call often. */
  wake(): void {
    if (this.stopped) return;
    // While lanes are busy, new rows mostly queue behind them: one claim per ~WAKE_COALESCE_MS
    // serves every post of that window instead of one claim per committed post.
    if (this.activeLanes.size === 0) {
      void this.pump();
      return;
    }
    this.wakeTimer ??= setTimeout(() => {
      this.wakeTimer = undefined;
      void this.pump();
    }, WAKE_COALESCE_MS);
  }

  /** An endpoint is reachable again (a socket-mode app connected): lift its gate and claim at once. */
  reopen(endpointKey: string): void {
    this.gates.succeeded(endpointKey);
    this.wake();
  }

  /** Delivers until nothing is due (tests with a fake clock, benchmarks draining a backlog). */
  async runUntilIdle(): Promise<void> {
    for (;;) {
      const claimed = await this.pump();
      while (this.lanes.size > 0) await Promise.all([...this.lanes]);
      await this.flush();
      if (claimed === 0 && this.lanes.size === 0 && !this.pumpAgain) return;
    }
  }

  /** Stops claiming, aborts sends in flight (their rows are released, not counted), writes what is known. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.timer = undefined;
    this.abort.abort();
    await this.pumping?.catch(() => 0);
    while (this.lanes.size > 0) await Promise.all([...this.lanes]);
    await this.flush();
    await this.store.releaseLeases(this.nodeId).catch((error) => this.options.onError?.(error));
  }

  /** Number of endpoints currently gated. */
  gatedEndpoints(): number {
    return this.gates.trippedCount();
  }

  private pump(): Promise<number> {
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    this.pumping = this.claimLoop()
      .catch((error) => {
        this.options.onError?.(error);
        return 0;
      })
      .finally(() => {
        this.pumping = undefined;
      });
    return this.pumping;
  }

  private async claimLoop(): Promise<number> {
    let claimed = 0;
    await this.sweepStale();
    do {
      this.pumpAgain = false;
      while (!this.stopped && this.inFlight < this.maxInFlight) {
        const limit = Math.min(this.batchSize, this.maxInFlight - this.inFlight);
        const now = this.clock.now();
        const rows = await this.store.claim({
          limit,
          now,
          leaseMs: this.leaseMs,
          owner: this.nodeId,
          excludeApps: this.gates.excludedApps(now),
          skipLanes: this.activeLanes,
        });
        if (rows.length === 0) break;
        claimed += rows.length;
        this.launch(rows);
        if (rows.length < limit) break;
      }
    } while (this.pumpAgain && !this.stopped);
    return claimed;
  }

  /** Once per retry tick: fail what a long-dead endpoint has held past the whole schedule. */
  private async sweepStale(): Promise<void> {
    const now = this.clock.now();
    if (now - this.lastStaleSweep < RETRY_INTERVAL_MS) return;
    this.lastStaleSweep = now;
    const cutoff = now - GIVE_UP_AFTER_MS;
    await this.store.failStale(this.gates.staleApps(cutoff), cutoff, now);
  }

  private launch(rows: OutboxRow[]): void {
    this.inFlight += rows.length;
    const lanes = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const key = laneKey(row);
      const lane = lanes.get(key);
      if (lane) lane.push(row);
      else lanes.set(key, [row]);
    }
    for (const [key, lane] of lanes) {
      this.activeLanes.add(key);
      const running: Promise<void> = this.runLane(lane)
        .catch((error) => this.options.onError?.(error))
        .finally(() => {
          this.lanes.delete(running);
          this.activeLanes.delete(key);
          this.laneEnded = true;
        });
      this.lanes.add(running);
    }
  }

  /** Delivers a lane's rows in order; once one must wait, the rest of the lane waits behind it. */
  private async runLane(rows: OutboxRow[]): Promise<void> {
    for (let index = 0; index < rows.length; index += 1) {
      const result = await this.deliverOne(rows[index]);
      this.settle(rows[index], result.result, result.outcome, result.latencyMs);
      if (result.result.kind === 'retry' || result.result.kind === 'release') {
        const firstFailedAt = result.result.kind === 'release' ? result.result.firstFailedAt : null;
        for (const rest of rows.slice(index + 1)) this.settle(rest, { id: rest.id, kind: 'release', firstFailedAt }, undefined, 0);
        return;
      }
    }
  }

  private async deliverOne(row: OutboxRow): Promise<{ result: RowResult; outcome?: DeliveryOutcome; latencyMs: number }> {
    const now = this.clock.now();
    const release = (firstFailedAt: number | null = null) => ({ result: { id: row.id, kind: 'release', firstFailedAt } as RowResult, latencyMs: 0 });
    if (this.stopped) return release();
    let target: Awaited<ReturnType<DeliveryTargets['resolve']>>;
    try {
      target = await this.options.targets.resolve({ appId: row.app_id, workspaceId: row.workspace_id, eventType: row.event_type, target: row.target });
    } catch (error) {
      // The registry being unavailable says nothing about the app: follow the schedule without counting an attempt.
      this.options.onError?.(error);
      return this.scheduleRetry(row, now, { kind: 'retry', error: 'target_unavailable' }, 0);
    }
    if (!target) return { result: { id: row.id, kind: 'cancelled', status: null, error: 'no_target', attempted: false }, latencyMs: 0 };
    const transport = this.options.transports[target.transport];
    if (!transport) return this.scheduleRetry(row, now, { kind: 'retry', error: `no_transport_${target.transport}` }, 0);

    const endpoint = transport.endpointKey(target);
    const admission = this.gates.admit(endpoint, row.app_id, now);
    if (admission === 'hold') {
      const since = row.first_failed_at ?? this.gates.failingSince(endpoint) ?? now;
      if (scheduleExhausted(since, now))
        return { result: { id: row.id, kind: 'failed', status: null, error: 'endpoint_failing', attempted: false }, latencyMs: 0 };
      return release(since);
    }
    const delivery: Delivery = {
      id: row.id,
      appId: row.app_id,
      workspaceId: row.workspace_id,
      eventType: row.event_type,
      channelKey: row.channel_key,
      payload: row.payload,
      retryCount: row.attempts,
      outboundIndex: row.outbound_index,
      target,
    };
    const started = performance.now();
    const outcome = await transport.send(delivery, this.abort.signal);
    const latencyMs = performance.now() - started;
    const probe = admission === 'probe';
    if (this.abort.signal.aborted && outcome.kind !== 'ok') {
      this.gates.neutral(endpoint, probe);
      return release();
    }
    if (outcome.kind === 'ok') {
      // A reopened endpoint has rows waiting that no claim took: claim them now, not at the next poll.
      if (this.gates.succeeded(endpoint)) this.pumpAgain = true;
      return { result: { id: row.id, kind: 'delivered', status: outcome.status ?? null }, outcome, latencyMs };
    }
    if (outcome.kind === 'permanent') {
      this.gates.neutral(endpoint, probe);
      return { result: { id: row.id, kind: 'failed', status: outcome.status ?? null, error: outcome.error ?? null, attempted: true }, outcome, latencyMs };
    }
    const scheduled = this.scheduleRetry(row, now, outcome, latencyMs);
    const retryAt = scheduled.result.kind === 'retry' ? scheduled.result.nextAttemptAt : now + RETRY_INTERVAL_MS;
    this.gates.failed(endpoint, row.app_id, now, retryAt, probe, outcome.retryAfterMs !== undefined);
    return scheduled;
  }

  /** Seed 003 schedule from the row's first failure (this attempt, if it is the first). */
  private scheduleRetry(row: OutboxRow, now: number, outcome: DeliveryOutcome & { kind: 'retry' }, latencyMs: number) {
    const firstFailedAt = row.first_failed_at ?? now;
    const notBefore = outcome.retryAfterMs !== undefined ? now + outcome.retryAfterMs : 0;
    const next = nextAttemptAt(firstFailedAt, now, notBefore);
    const status = outcome.status ?? null;
    const error = outcome.error ?? null;
    const result: RowResult =
      next === undefined
        ? { id: row.id, kind: 'failed', status, error, attempted: true }
        : { id: row.id, kind: 'retry', nextAttemptAt: next, firstFailedAt, status, error };
    return { result, outcome, latencyMs };
  }

  private settle(row: OutboxRow, result: RowResult, outcome: DeliveryOutcome | undefined, latencyMs: number): void {
    this.options.onResult?.(row, result, outcome, latencyMs);
    this.pendingResults.push(result);
    if (this.pendingResults.length >= this.recordBatchSize) {
      void this.flush();
    } else if (!this.flushScheduled) {
      // Results settling within FLUSH_DELAY_MS share one transaction (a lane delivers one row at a
      // time, so per-turn batching alone would commit once per delivery). Lanes keep sending
      // meanwhile; only the claim of a finished lane's next rows waits for this commit.
      this.flushScheduled = setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
    }
  }

  /** Writes collected results (one transaction at a time), then frees their in-flight slots. */
  private flush(): Promise<void> {
    if (this.flushScheduled) clearTimeout(this.flushScheduled);
    this.flushScheduled = undefined;
    const batch = this.pendingResults;
    this.pendingResults = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.store.record(batch, this.nodeId, this.clock.now());
      } catch (error) {
        // The rows stay leased and are retaken after the lease: delivered at least once, never lost.
        this.options.onError?.(error);
      }
      const wasFull = this.inFlight >= this.maxInFlight;
      this.inFlight -= batch.length;
      // Mid-lane results free no lane (its next rows stay behind its leased head): no claim for them.
      if (!this.stopped && (this.laneEnded || this.pumpAgain || wasFull)) {
        this.laneEnded = false;
        void this.pump();
      }
    });
    return this.flushing;
  }
}
