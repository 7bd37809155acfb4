import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface CheckpointerOptions {
  /** How often the worker copies the WAL back into the database file. */
  intervalMs?: number;
  /**
   * WAL length (frames) past which the log is reset. Under a steady write load a passive
   * checkpoint never finds the log idle, so the log never restarts by itself. Default 10 000
   * (~40 MB): below `journal_size_limit`, so the first commit after a reset does not truncate
   * the file (with 40 000 frames that truncation made one commit in a few seconds take 30 ms).
   */
  restartAboveFrames?: number;
  /**
   * Resets the log from the main connection (see the class comment); called once the worker's
   * last pass left the log longer than `restartAboveFrames`. Without it the worker resets the
   * log itself.
   */
  restartLog?: () => void;
  /**
   * The worker ended without being stopped (it could not open the file, or crashed): the caller
   * must checkpoint some other way, or the WAL grows without bound.
   */
  onLost?: () => void;
}

/**
 * The worker, as CommonJS evaluated from a string: it then runs the same under tsx, vitest and
 * plain node (a worker file would need the TypeScript loader in each). It only opens its own
 * connection to the file and checkpoints.
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    const [passive] = db.pragma('wal_checkpoint(PASSIVE)');
    if (!passive || passive.log <= workerData.restartAboveFrames) return;
    // The main thread resets the log (cheaply, see SqliteCheckpointer); past four times the
    // limit (it could not, e.g. always inside a transaction) this connection does it, blocking writers.
    if (workerData.mainRestarts && passive.log <= 4 * workerData.restartAboveFrames) {
      // A second, short pass copies what was committed during the first: the main thread is left
      // with only what arrives until it gets the message.
      db.pragma('wal_checkpoint(PASSIVE)');
      parentPort.postMessage({ restart: true });
    } else db.pragma('wal_checkpoint(RESTART)');
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage({ stopped: true });
});
`;

/**
 * Checkpoints a WAL-mode SQLite file from a worker thread. SQLite's automatic checkpoint runs
 * inside whichever commit crosses the threshold, on the event loop: it copies ~1 000 pages with
 * one read and one write syscall each and fsyncs, stalling every request for tens of
 * milliseconds and taking over half the CPU of an insert-heavy load (measured: 50 µs per
 * outbox row with it, 21 µs without). The main connection turns it off
 * (`wal_autocheckpoint = 0`) and this worker does the copying on another core; durability is
 * unchanged (commits still go to the WAL, the worker syncs what it copies as SQLite would).
 *
 * Under a steady write load the log never empties by itself, so it must be reset now and then
 * (a RESTART checkpoint). A RESTART holds the writer lock while it copies what the last pass
 * left and waits for readers: run by the worker, the main thread's next commit slept in
 * SQLite's busy handler (1, 2, 5, 10 ms… steps) through it, 10-50 ms stalls every few seconds
 * at 1 000 posts/s. So the worker only asks (`restartLog`) right after its pass, and the main
 * connection resets the log between its own transactions with no busy wait: only the frames
 * committed since that pass are left to copy. A reset that finds a reader or a checkpoint under
 * way just waits for the next pass.
 */
export class SqliteCheckpointer {
  private readonly worker: Worker;
  private stopping: Promise<void> | undefined;
  private exited = false;

  constructor(path: string, onError: (error: Error) => void, options: CheckpointerOptions = {}) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver,
        path,
        intervalMs: options.intervalMs ?? 100,
        restartAboveFrames: options.restartAboveFrames ?? 10_000,
        mainRestarts: options.restartLog !== undefined,
      },
    });
    this.worker.on('message', (message: { error?: string; restart?: boolean }) => {
      if (message.error) onError(new Error(`SQLite checkpoint failed: ${message.error}`));
      if (message.restart) {
        try {
          options.restartLog?.();
        } catch (error) {
          onError(error instanceof Error ? error : new Error(String(error)));
        }
      }
    });
    this.worker.on('error', onError);
    this.worker.once('exit', () => {
      this.exited = true;
      if (!this.stopping) options.onLost?.();
    });
    // A server that is otherwise done must be able to exit.
    this.worker.unref();
  }

  /** Runs a last checkpoint and ends the worker. */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      // Held until it is done, or the process could exit before the last checkpoint.
      this.worker.ref();
      const done = () => resolve();
      this.worker.once('exit', done);
      this.worker.on('message', (message: { stopped?: boolean }) => {
        if (message.stopped) void this.worker.terminate().then(done, done);
      });
      this.worker.postMessage('stop');
    });
    return this.stopping;
  }
}
