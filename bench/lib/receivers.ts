/**
 * Parent side of the delivery benchmark's receiving apps (receiver-child.ts runs them in their own
 * process): starts the child, hands it the signing secrets, and keeps the receipts it reports —
 * the first receipt time per (message id, app), plus duplicates and rejected signatures.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { processCpuMs } from './platform.js';

export interface ReceiverReady {
  type: 'ready';
  urls: string[];
}

export interface ReceiverSecrets {
  type: 'secrets';
  secrets: string[];
}

/** Parallel arrays: receipt i is message ids[i] at app apps[i], received at at[i] (wall-clock ms). */
export interface ReceiptBatch {
  type: 'receipts';
  ids: string[];
  apps: number[];
  at: number[];
  rejected: number;
}

type ChildMessage = ReceiverReady | ReceiptBatch | { type: 'secrets-set' };

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./receiver-child.ts', import.meta.url));
const START_TIMEOUT_MS = 60_000;

/** Wall-clock ms with sub-ms resolution, comparable with the receiver child's receipt times. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export class Receivers {
  /** message id -> first receipt time per app index (undefined: not received). */
  readonly byMessage = new Map<string, (number | undefined)[]>();
  /** Distinct (message, app) receipts. */
  deliveries = 0;
  /** Receipts of a (message, app) already received: at-least-once redelivery, or two nodes sending one row. */
  duplicates = 0;
  rejected = 0;
  /** When the last distinct delivery arrived (performance.now()): a drain gives up only once they stop coming. */
  private lastProgressAt = performance.now();
  private waiters: (() => void)[] = [];
  private secretsSet: (() => void) | undefined;
  /** Rejects when the child exits: a wait on it must not hang. */
  private readonly exited: Promise<never>;

  private constructor(
    private readonly child: ChildProcess,
    /** One loopback origin per app, in app order. */
    readonly urls: string[],
  ) {
    this.exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`receiver child exited (code ${code})`))));
    this.exited.catch(() => {});
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'receipts') this.record(message);
      else if (message.type === 'secrets-set') this.secretsSet?.();
    });
  }

  /** Starts `apps` receiving apps in a child process. */
  static async start(apps: number): Promise<Receivers> {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: ROOT,
      env: { ...process.env, BENCH_RECEIVER_APPS: String(apps) },
      // stdin is the lifeline (EOF when this process dies), as for the platform child.
      stdio: ['pipe', 'inherit', 'inherit', 'ipc'],
    });
    const urls = await new Promise<string[]>((resolve, reject) => {
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error('receiver child did not start in time')), START_TIMEOUT_MS);
      child.once('exit', (code) => fail(new Error(`receiver child exited during start-up (code ${code})`)));
      child.once('error', fail);
      child.once('message', (message: ChildMessage) => {
        clearTimeout(timer);
        if (message.type === 'ready') resolve(message.urls);
        else reject(new Error(`receiver child: unexpected first message ${message.type}`));
      });
    }).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    });
    return new Receivers(child, urls);
  }

  /** Gives each app its signing secret; resolves once the child has them. */
  async setSecrets(secrets: string[]): Promise<void> {
    const done = new Promise<void>((resolve) => {
      this.secretsSet = resolve;
    });
    this.child.send({ type: 'secrets', secrets } satisfies ReceiverSecrets);
    await Promise.race([done, this.exited]);
  }

  /** CPU time the receiver process has used so far in ms (Linux /proc; undefined elsewhere). */
  cpuMs(): number | undefined {
    return processCpuMs(this.child.pid);
  }

  private record(batch: ReceiptBatch): void {
    this.rejected += batch.rejected;
    for (let i = 0; i < batch.ids.length; i += 1) {
      let times = this.byMessage.get(batch.ids[i]);
      if (!times) {
        times = [];
        this.byMessage.set(batch.ids[i], times);
      }
      if (times[batch.apps[i]] === undefined) {
        times[batch.apps[i]] = batch.at[i];
        this.deliveries += 1;
        this.lastProgressAt = performance.now();
      } else {
        this.duplicates += 1;
      }
    }
    if (this.waiters.length > 0) for (const waiter of this.waiters.splice(0)) waiter();
  }

  reset(): void {
    this.byMessage.clear();
    this.deliveries = 0;
    this.duplicates = 0;
    this.rejected = 0;
  }

  /**
   * Resolves once `done()` holds (checked on each batch and every 50 ms), or once no new delivery
   * has arrived for `idleMs`: a backlog that drains slowly is waited for, a lost delivery is not.
   */
  async waitUntil(done: () => boolean, idleMs: number): Promise<void> {
    this.lastProgressAt = performance.now();
    while (!done() && performance.now() - this.lastProgressAt < idleMs) {
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
    this.child.kill('SIGTERM');
    await exited;
  }
}
