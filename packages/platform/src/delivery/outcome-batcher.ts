import type { Clock } from '../clock.js';
import type { OutboxStore, RowResult } from './outbox-store.js';

/** How long outcomes may wait to share a commit when nothing waits on them. */
const FLUSH_DELAY_MS = 10;
/** When an ended lane waits on the commit (its next rows are claimable only after it). */
const URGENT_FLUSH_DELAY_MS = 1;

export interface OutcomeBatcherOptions {
  store: OutboxStore;
  clock: Clock;
  /** Lease owner whose rows the outcomes are (PostgreSQL writes only its own). */
  owner: string;
  /** Outcomes written per transaction at most. */
  batchSize: number;
  /** After each write (or failed write): how many outcomes it held and which lanes it freed. */
  onWritten(count: number, endedLanes: string[]): void;
  onError?: (error: unknown) => void;
}

/**
 * Collects settled rows' outcomes and writes them in shared transactions, one at a time.
 * Results settling within the delay share one commit: each commit is a WAL write, and a busy
 * lane settles a row every few hundred microseconds. Lanes keep sending meanwhile (on SQLite
 * they read on from their last row), so only an ended lane waits on the commit — and then it
 * comes at once.
 */
export class OutcomeBatcher {
  private pending: RowResult[] = [];
  /** Lanes done sending whose outcomes are in `pending` or written before: freed by the next write. */
  private ended: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private scheduled: NodeJS.Timeout | undefined;
  private scheduledDelay = FLUSH_DELAY_MS;

  constructor(private readonly options: OutcomeBatcherOptions) {}

  add(result: RowResult): void {
    this.pending.push(result);
    if (this.pending.length >= this.options.batchSize) void this.flush();
    else this.schedule(FLUSH_DELAY_MS);
  }

  /** A lane sent its last row (every outcome of it has been added): free it after the next write, soon. */
  laneEnded(key: string): void {
    this.ended.push(key);
    this.schedule(URGENT_FLUSH_DELAY_MS);
  }

  /** Writes what is collected (after any write under way); resolves once written. */
  flush(): Promise<void> {
    if (this.scheduled) clearTimeout(this.scheduled);
    this.scheduled = undefined;
    const batch = this.pending;
    this.pending = [];
    const ended = this.ended;
    this.ended = [];
    this.writing = this.writing.then(async () => {
      if (batch.length === 0 && ended.length === 0) return;
      if (batch.length > 0) {
        try {
          await this.options.store.record(batch, this.options.owner, this.options.clock.now());
        } catch (error) {
          // The rows stay pending (on PostgreSQL leased, retaken after the lease): delivered at least once, never lost.
          this.options.onError?.(error);
        }
      }
      this.options.onWritten(batch.length, ended);
    });
    return this.writing;
  }

  private schedule(delayMs: number): void {
    if (this.scheduled !== undefined) {
      if (delayMs >= this.scheduledDelay) return;
      clearTimeout(this.scheduled);
    }
    this.scheduledDelay = delayMs;
    this.scheduled = setTimeout(() => void this.flush(), delayMs);
  }
}
