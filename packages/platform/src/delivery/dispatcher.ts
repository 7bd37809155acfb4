import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { type Clock, systemClock } from '../clock.js';
import type { DispatcherOptions } from './dispatcher-options.js';
import { EndpointGates } from './endpoint-gates.js';
import { type LaneSignal, LaneSignals } from './lane-signals.js';
import { laneKey, type OutboxRow, type OutboxStore, type RowResult } from './outbox-store.js';
import { OutcomeBatcher } from './outcome-batcher.js';
import { GIVE_UP_AFTER_MS, RETRY_INTERVAL_MS } from './retry-schedule.js';
import { type Attempt, RowAttempts } from './row-attempts.js';
import type { DeliveryOutcome } from './transport.js';

export type { DispatcherOptions } from './dispatcher-options.js';

const WAKE_COALESCE_MS = 5;
/** Rows a lane reads on at a time (SQLite): at least this many, or this many windows' worth. */
const LANE_READ_MIN = 64;
const LANE_READ_WINDOWS = 8;
const DEFAULT_RETENTION_MS = 7 * 24 * 3_600_000;
/** Rows deleted per retry tick at most: 10 000 a minute outpaces any sustained event rate we serve. */
const PRUNE_BATCH = 5_000;
/** How long a drained SQLite lane stays open for new rows (see LaneSignals). */
const LANE_LINGER_MS = 100;

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
  private readonly attempts: RowAttempts;
  private readonly abort = new AbortController();
  private readonly lanes = new Set<Promise<void>>();
  /** Keys of the lanes this node is delivering or has outcomes of not yet written: claims pass them over. */
  private readonly activeLanes = new Set<string>();
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeSoon: NodeJS.Immediate | undefined;
  private inFlight = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private pumping: Promise<number> | undefined;
  private pumpAgain = false;
  private lastStaleSweep = Number.NEGATIVE_INFINITY;
  private readonly outcomes: OutcomeBatcher;
  private readonly signals = new LaneSignals();
  /** runUntilIdle calls under way: drained lanes end at once instead of lingering. */
  private draining = 0;

  constructor(private readonly options: DispatcherOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.nodeId = options.nodeId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.gates = new EndpointGates(options.tripAfterFailures ?? 3);
    this.batchSize = options.batchSize ?? 200;
    this.maxInFlight = options.maxInFlight ?? 2_000;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.outcomes = new OutcomeBatcher({
      store: this.store,
      clock: this.clock,
      owner: this.nodeId,
      batchSize: options.recordBatchSize ?? 500,
      onWritten: (count, ended) => this.written(count, ended),
      onError: options.onError,
    });
    this.attempts = new RowAttempts({
      targets: options.targets,
      transports: options.transports,
      gates: this.gates,
      clock: this.clock,
      laneWindow: Math.max(1, options.laneWindow ?? 1),
      signal: this.abort.signal,
      onReopened: () => {
        this.pumpAgain = true;
      },
      ...(options.onError ? { onError: options.onError } : {}),
    });
    // Every send in flight listens for stop(): thousands at once are expected, not a leak.
    setMaxListeners(0, this.abort.signal);
  }

  /** Starts polling. On SQLite this process is the only dispatcher, so leases left by a killed one are dropped. */
  async start(): Promise<void> {
    if (this.store.dialect === 'sqlite') await this.store.releaseLeases();
    const every = this.options.pollIntervalMs ?? 250;
    this.timer = setInterval(() => this.wake(), every);
    this.timer.unref();
    this.wake();
  }

  /**
   * Runs a claim cycle soon; call after committing new outbox rows. Cheap to call often.
   * `lanes` (`laneKey`s) says which lanes got rows: when all of them are running here, they read
   * the rows themselves and no claim is made. Without it every running lane looks again.
   */
  wake(lanes?: Iterable<string>): void {
    if (this.stopped) return;
    if (lanes === undefined) this.signals.notifyAll();
    else if (this.signals.notify(lanes)) return;
    // While lanes are busy, new rows mostly queue behind them: one claim per ~WAKE_COALESCE_MS
    // serves every post of that window instead of one claim per committed post.
    // When idle, commits of the same event-loop turn (a group commit's posts) share one claim.
    if (this.activeLanes.size === 0) {
      this.wakeSoon ??= setImmediate(() => {
        this.wakeSoon = undefined;
        void this.pump();
      });
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
    this.draining += 1;
    this.signals.notifyAll();
    try {
      await this.drain();
    } finally {
      this.draining -= 1;
    }
  }

  private async drain(): Promise<void> {
    for (;;) {
      const claimed = await this.pump();
      while (this.lanes.size > 0) await Promise.all([...this.lanes]);
      await this.outcomes.flush();
      // A flush that freed lanes starts a claim of its own: it belongs to this run.
      const started = this.pumping;
      if (started !== undefined) {
        await started;
        continue;
      }
      if (claimed === 0 && this.lanes.size === 0 && !this.pumpAgain) return;
    }
  }

  /** Stops claiming, aborts sends in flight (their rows are released, not counted), writes what is known. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    if (this.wakeSoon) clearImmediate(this.wakeSoon);
    this.timer = undefined;
    this.abort.abort();
    this.signals.notifyAll();
    await this.pumping?.catch(() => 0);
    while (this.lanes.size > 0) await Promise.all([...this.lanes]);
    await this.outcomes.flush();
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
          excludeSources: this.gates.excludedSources(now),
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

  /**
   * Once per retry tick: fail what a long-dead endpoint has held past the whole schedule, and
   * delete a bounded batch of rows settled longer ago than the retention (the outbox would
   * otherwise grow by every event ever sent).
   */
  private async sweepStale(): Promise<void> {
    const now = this.clock.now();
    if (now - this.lastStaleSweep < RETRY_INTERVAL_MS) return;
    this.lastStaleSweep = now;
    const cutoff = now - GIVE_UP_AFTER_MS;
    await this.store.failStale(this.gates.staleSources(cutoff), cutoff, now);
    const retentionMs = this.options.retentionMs ?? DEFAULT_RETENTION_MS;
    if (retentionMs > 0) await this.store.pruneSettled(now - retentionMs, PRUNE_BATCH);
  }

  private launch(rows: OutboxRow[]): void {
    this.inFlight += rows.length;
    const lanes = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const key = laneKey(row.app_id, row.channel_key);
      const lane = lanes.get(key);
      if (lane) lane.push(row);
      else lanes.set(key, [row]);
    }
    for (const [key, lane] of lanes) {
      this.activeLanes.add(key);
      const running: Promise<void> = this.runLane(key, lane)
        .catch((error) => this.options.onError?.(error))
        .finally(() => {
          this.lanes.delete(running);
          this.outcomes.laneEnded(key);
        });
      this.lanes.add(running);
    }
  }

  /**
   * Delivers a lane's rows in order with up to its window in flight: sends start in row order
   * (each is handed to its transport before the next is prepared) and outcomes are taken in
   * row order. Once a row must wait (retry, or held by its gate), nothing after it is started;
   * rows already in flight behind it keep what they got if delivered, else wait with it.
   *
   * SQLite has no other dispatcher: a lane whose rows are all started reads on from its last row
   * (while earlier ones are still in flight, so its window does not drain at each batch), instead
   * of ending and waiting for its outcomes to be written and a claim to retake it; once drained
   * it lingers a while for new rows (LaneSignals).
   */
  private async runLane(key: string, claimed: OutboxRow[]): Promise<void> {
    const lingers = this.store.dialect === 'sqlite';
    const signal = lingers ? this.signals.enter(key) : undefined;
    try {
      await this.deliverLane(claimed, signal);
    } finally {
      if (lingers) this.signals.leave(key);
    }
  }

  private async deliverLane(claimed: OutboxRow[], signal: LaneSignal | undefined): Promise<void> {
    const inFlight: Promise<Attempt>[] = [];
    // Rows read and not yet started; only these are held (rows once sent are dropped, so a
    // long-running lane holds a few windows of rows, not everything it ever delivered).
    let queue = claimed;
    let next = 0;
    let last = claimed[claimed.length - 1];
    let waitingSince: number | null | undefined;
    // The lane's transport sets its window; it is known once a row of the lane has begun.
    let window = 1;
    let lastRead = performance.now();
    const readOn = async (): Promise<boolean> => {
      if (this.store.dialect !== 'sqlite' || this.stopped || this.inFlight >= this.maxInFlight || last === undefined) return false;
      // Cleared before the read: a commit after it marks the lane again, so lingering sees it.
      if (signal) signal.dirty = false;
      // A few windows' worth at a time: rows held longer than a young-generation GC cycle get
      // copied and promoted (payloads included), which cost more than the extra reads.
      const read = Math.min(this.batchSize, this.maxInFlight - this.inFlight, Math.max(LANE_READ_MIN, LANE_READ_WINDOWS * window));
      const more = await this.store.laneAfter(last, this.clock.now(), read);
      if (more.length === 0) return false;
      lastRead = performance.now();
      this.inFlight += more.length;
      queue = more;
      next = 0;
      last = more[more.length - 1];
      return true;
    };
    const startMore = async () => {
      while (waitingSince === undefined && inFlight.length < window) {
        if (next >= queue.length && !(await readOn())) return;
        const started = await this.attempts.begin(queue[next]);
        inFlight.push(started.attempt);
        window = started.window;
        next += 1;
        // A row that was not sent (held, no target) is settled before anything behind it starts.
        if (!started.sent) return;
      }
    };
    for (;;) {
      await startMore();
      while (inFlight.length > 0) {
        const attempt = await (inFlight.shift() as Promise<Attempt>);
        const { row, result } = attempt;
        if (waitingSince !== undefined) {
          // Behind a row that waits: a delivered one stays delivered (it overtook), others wait too.
          if (result.kind === 'delivered') this.settle(row, result, attempt.outcome, attempt.latencyMs);
          else this.settle(row, { id: row.id, kind: 'release', firstFailedAt: waitingSince }, undefined, 0);
          continue;
        }
        this.settle(row, result, attempt.outcome, attempt.latencyMs);
        if (result.kind === 'retry' || result.kind === 'release') waitingSince = result.kind === 'release' ? result.firstFailedAt : null;
        else await startMore();
      }
      // Drained with everything delivered: linger for new rows of the lane (the deadline runs from its last read).
      if (signal === undefined || waitingSince !== undefined || next < queue.length || this.stopped || this.draining > 0) break;
      // Whole milliseconds: Node keeps one timer list per distinct duration.
      const remaining = Math.ceil(LANE_LINGER_MS - (performance.now() - lastRead));
      if (remaining <= 0 || !(await this.signals.wait(signal, remaining))) break;
    }
    for (const rest of queue.slice(next)) this.settle(rest, { id: rest.id, kind: 'release', firstFailedAt: waitingSince ?? null }, undefined, 0);
  }

  private settle(row: OutboxRow, result: RowResult, outcome: DeliveryOutcome | undefined, latencyMs: number): void {
    this.options.onResult?.(row, result, outcome, latencyMs);
    this.outcomes.add(result);
  }

  /** Outcomes written: their in-flight slots and the lanes that ended with them are free again. */
  private written(count: number, ended: string[]): void {
    const wasFull = this.inFlight >= this.maxInFlight;
    this.inFlight -= count;
    for (const key of ended) this.activeLanes.delete(key);
    // Mid-lane results free no lane (its next rows stay behind its head): no claim for them.
    if (!this.stopped && (ended.length > 0 || this.pumpAgain || wasFull)) void this.pump();
  }
}
