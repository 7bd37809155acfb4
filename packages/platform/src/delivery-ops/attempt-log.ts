import type { Insertable, Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import { newId } from '../store/ids.js';
import type { Database, EventDeliveryAttemptsTable } from '../store/schema.js';

export type AttemptRecord = Omit<Insertable<EventDeliveryAttemptsTable>, 'id'>;

export interface AttemptLogOptions {
  /** Buffered records are written at most this long after they were added. */
  flushDelayMs?: number;
  /** Records per INSERT statement (11 columns each: far below the bound-parameter limits). */
  batchSize?: number;
  /** Past this many unwritten records (the database is down), new ones are dropped and counted. */
  maxBuffered?: number;
  /** Attempts older than this are deleted (checked at most once per `pruneEveryMs`). */
  retentionMs?: number;
  pruneEveryMs?: number;
  onError?: (error: unknown) => void;
}

/** Longer than the whole 72 h retry schedule, so every attempt of a delivery stays visible after it ends. */
export const ATTEMPT_RETENTION_MS = 7 * 24 * 3600_000;

/**
 * Writes delivery attempts off the hot path: the dispatcher's result hook only appends to a
 * buffer; one INSERT per batch writes them (and an occasional DELETE prunes old ones). Attempts
 * are diagnostics — the outbox row is the truth — so a failed write is reported and dropped,
 * never retried into an unbounded backlog.
 */
export class AttemptLog {
  private buffer: AttemptRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private lastPrune = Number.NEGATIVE_INFINITY;
  private readonly flushDelayMs: number;
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  private readonly retentionMs: number;
  private readonly pruneEveryMs: number;
  /** Records dropped because the buffer was full. */
  dropped = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly options: AttemptLogOptions = {},
  ) {
    this.flushDelayMs = options.flushDelayMs ?? 100;
    this.batchSize = options.batchSize ?? 500;
    this.maxBuffered = options.maxBuffered ?? 20_000;
    this.retentionMs = options.retentionMs ?? ATTEMPT_RETENTION_MS;
    this.pruneEveryMs = options.pruneEveryMs ?? 3600_000;
  }

  add(record: AttemptRecord): void {
    if (this.buffer.length >= this.maxBuffered) {
      this.dropped += 1;
      return;
    }
    this.buffer.push(record);
    if (this.buffer.length >= this.batchSize) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushDelayMs);
      this.timer.unref();
    }
  }

  /** Writes everything buffered so far (one statement per batch, one batch at a time). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const records = this.buffer;
    this.buffer = [];
    this.writing = this.writing.then(async () => {
      try {
        for (let start = 0; start < records.length; start += this.batchSize) {
          const rows = records.slice(start, start + this.batchSize).map((record) => ({ id: newId(record.attempted_at), ...record }));
          await this.db.insertInto('event_delivery_attempts').values(rows).execute();
        }
        await this.pruneIfDue();
      } catch (error) {
        this.options.onError?.(error);
      }
    });
    return this.writing;
  }

  /** Flushes and stops the timer (platform shutdown). */
  close(): Promise<void> {
    return this.flush();
  }

  /** Pruning rides on writes: a table that receives nothing does not grow. */
  private async pruneIfDue(): Promise<void> {
    const now = this.clock.now();
    if (now - this.lastPrune < this.pruneEveryMs) return;
    this.lastPrune = now;
    await this.db
      .deleteFrom('event_delivery_attempts')
      .where('attempted_at', '<', now - this.retentionMs)
      .execute();
  }
}
