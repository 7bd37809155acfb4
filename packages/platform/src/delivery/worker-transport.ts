import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SpecialRange } from '../outbound/address-ranges.js';
import { OutboundPolicy } from '../outbound/outbound-policy.js';
import { HttpTransport, urlOrigin } from './http-transport.js';
import type { HttpWorkerData, HttpWorkerEvent, HttpWorkerRequest } from './http-worker.js';
import { type LaneSend, OrderedLanes } from './ordered-lanes.js';
import { laneKey } from './outbox-store.js';
import type { DeliveryTarget } from './targets.js';
import type { Delivery, DeliveryOutcome, DeliveryTransport } from './transport.js';

export interface WorkerHttpTransportOptions {
  /** Per-attempt deadline for events (PROTOCOL.md: 10 s unless configured). */
  timeoutMs?: number;
  /** Which addresses deliveries may connect to; refusals are reported on this policy. */
  outbound?: OutboundPolicy;
  userAgent?: string;
  /** Rows of one lane handed over at a time (they still go out one by one). Default 32. */
  queueDepth?: number;
  /** The worker failed, or could not start (then sends run in process). */
  onError?: (error: Error) => void;
  /** The worker's module URL; defaults to `http-worker` beside this file (tests point it at one that cannot load). */
  workerEntry?: string;
}

/**
 * Loads the worker's TypeScript the way the CLI loads the platform's (tsx), so it runs the
 * same from `npx switchboard`, vitest and the benchmarks; built `.js` loads as is.
 */
const BOOT_SOURCE = `
const { workerData } = require('node:worker_threads');
(workerData.loader ? import(workerData.loader).then((tsx) => tsx.register()) : Promise.resolve())
  .then(() => import(workerData.entry))
  .then(() => require('node:worker_threads').parentPort.postMessage({ ready: true }));
`;

function workerFiles(): { entry: string; loader?: string } {
  const typescript = import.meta.url.endsWith('.ts');
  const entry = new URL(typescript ? './http-worker.ts' : './http-worker.js', import.meta.url).href;
  if (!typescript) return { entry };
  const api = join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs');
  return existsSync(api) ? { entry, loader: pathToFileURL(api).href } : { entry };
}

interface Waiting {
  lane: string;
  resolve: (outcome: DeliveryOutcome) => void;
}

/**
 * HTTP deliveries sent from a worker thread: signing, undici and the connection checks run
 * there, beside the event loop that serves posts and writes the outbox. A lane's rows are
 * handed over up to `queueDepth` at once and the worker sends them strictly one after another,
 * each only if the one before succeeded (`OrderedLanes`), so the order and hold-behind-a-failure
 * of window 1 are kept while the next event of a busy lane leaves as soon as the previous one is
 * answered, without waiting for this thread's turn. Hand-overs and answers cross in one message
 * per event-loop turn each way.
 *
 * If the worker cannot start, the same ordered lanes run on this thread instead; if it dies, its
 * unanswered sends come back as retries and the next send starts a new one.
 */
export class WorkerHttpTransport implements DeliveryTransport {
  readonly laneWindow: number;
  private worker: Worker | undefined;
  /** Set when the worker could not start: the same ordered lanes, run on this thread. */
  private inProcess: { http: HttpTransport; lanes: OrderedLanes } | undefined;
  private nextToken = 1;
  private readonly waiting = new Map<number, Waiting>();
  /** Per lane, the last token handed over while it is unanswered: the next send goes `after` it. */
  private readonly lastHanded = new Map<string, number>();
  private batch: LaneSend[] = [];
  private readonly watched = new WeakSet<AbortSignal>();
  private readonly outbound: OutboundPolicy;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: WorkerHttpTransportOptions = {}) {
    this.laneWindow = options.queueDepth ?? 32;
    this.outbound = options.outbound ?? OutboundPolicy.strict;
  }

  endpointKey(target: DeliveryTarget): string {
    return urlOrigin(target.url);
  }

  send(delivery: Delivery, signal: AbortSignal): Promise<DeliveryOutcome> {
    if (this.closing || signal.aborted) return Promise.resolve({ kind: 'retry', error: 'stopped' });
    this.watch(signal);
    const lane = laneKey(delivery.appId, delivery.channelKey);
    const token = this.nextToken++;
    const after = this.lastHanded.get(lane) ?? null;
    this.lastHanded.set(lane, token);
    if (this.batch.length === 0) setImmediate(this.flush);
    this.batch.push({ token, lane, after, delivery });
    return new Promise((resolve) => this.waiting.set(token, { lane, resolve }));
  }

  /** Starts the worker now (it otherwise starts with the first send, which then waits for it to boot). */
  warm(): void {
    if (!this.worker && !this.inProcess && !this.closing) this.start();
  }

  /** Ends the worker (its connections closed); sends still waiting come back as retries. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const worker = this.worker;
      if (worker) {
        const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        worker.postMessage({ close: true } satisfies HttpWorkerRequest);
        const deadline = setTimeout(() => void worker.terminate(), 5_000);
        await exited;
        clearTimeout(deadline);
      }
      this.inProcess?.lanes.stop();
      await this.inProcess?.http.close();
    })();
    return this.closing;
  }

  private readonly flush = (): void => {
    const sends = this.batch;
    this.batch = [];
    if (sends.length === 0) return;
    if (this.inProcess) {
      for (const send of sends) this.inProcess.lanes.push(send);
      return;
    }
    (this.worker ?? this.start()).postMessage({ sends } satisfies HttpWorkerRequest);
  };

  private start(): Worker {
    const files = { ...workerFiles(), ...(this.options.workerEntry ? { entry: this.options.workerEntry } : {}) };
    const data: HttpWorkerData & typeof files = {
      ...files,
      timeoutMs: this.options.timeoutMs ?? 10_000,
      outbound: this.outbound.options,
      ...(this.options.userAgent ? { userAgent: this.options.userAgent } : {}),
    };
    // From sources (tests), sibling packages resolve to their sources too (`source` export condition).
    const execArgv = data.loader ? [...process.execArgv, '--conditions=source'] : undefined;
    const worker = new Worker(BOOT_SOURCE, { eval: true, workerData: data, execArgv });
    let ready = false;
    worker.on('message', (message: HttpWorkerEvent | { ready: true }) => {
      if ('ready' in message) ready = true;
      else if ('replies' in message) for (const reply of message.replies) this.answer(reply.token, reply.outcome);
      else if ('refused' in message) this.outbound.refused(message.refused as SpecialRange | 'unknown');
    });
    worker.on('error', (error) => this.options.onError?.(error));
    worker.once('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      if (!ready && !this.closing) {
        this.options.onError?.(new Error('the delivery worker could not start: sending from the main thread'));
        const http = new HttpTransport({
          timeoutMs: this.options.timeoutMs,
          outbound: this.outbound,
          ...(this.options.userAgent ? { userAgent: this.options.userAgent } : {}),
        });
        const lanes = new OrderedLanes(
          (delivery, signal) => http.send(delivery, signal),
          (reply) => this.answer(reply.token, reply.outcome),
        );
        this.inProcess = { http, lanes };
      }
      // Whatever it held is unanswered: retried per the schedule (at least once, never lost).
      for (const token of [...this.waiting.keys()]) this.answer(token, { kind: 'retry', error: 'delivery_worker_exited' });
    });
    // The worker must not keep a stopping server alive; close() ends it.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private answer(token: number, outcome: DeliveryOutcome): void {
    const waiting = this.waiting.get(token);
    if (!waiting) return;
    this.waiting.delete(token);
    if (this.lastHanded.get(waiting.lane) === token) this.lastHanded.delete(waiting.lane);
    waiting.resolve(outcome);
  }

  /** The dispatcher passes one stop() signal to every send: forward its abort once. */
  private watch(signal: AbortSignal): void {
    if (this.watched.has(signal)) return;
    this.watched.add(signal);
    signal.addEventListener(
      'abort',
      () => {
        this.worker?.postMessage({ stop: true } satisfies HttpWorkerRequest);
        this.inProcess?.lanes.stop();
      },
      { once: true },
    );
  }
}
