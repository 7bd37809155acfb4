import type { HubAnswer, SocketConnection } from './socket-hub.js';

/** What a request needs of its hub (built once per hub, not per request). */
export interface RequestRouter {
  /** An open connection of the app with room, pinned to `affinity` when given. */
  pick(appId: string, affinity: string | undefined): SocketConnection | undefined;
  /** Runs `wake` once when the app may have a connection with room; returns a canceller. */
  waitFor(appId: string, wake: () => void): () => void;
  /** Room freed on one of the app's connections: wake its waiters. */
  notify(appId: string): void;
  /** Runs `onAbort` when `signal` aborts; returns an unregister. */
  whenAborted(signal: AbortSignal, onAbort: () => void): () => void;
  /** The write of a pending frame failed: its connection is treated as closed for it. */
  failPending(connection: SocketConnection, correlationId: string): void;
}

export interface HubRequestOptions {
  event: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  affinity?: string;
}

/**
 * One frame on its way to an app and the wait for its answer: picks a connection (waiting for
 * one, or for room under the back-pressure limit), registers under its correlation id, moves to
 * another connection if that one dies first, and ends once: answered, timed out or aborted.
 *
 * A class rather than closures: a socket drain creates one per event, and tsx (which runs our
 * sources) compiles with esbuild's keepNames, which wraps every named closure in a
 * defineProperty call at creation (7 % of a drain's CPU with four closures per request).
 * Callbacks handed out are inline arrows, which keepNames leaves alone.
 */
export class HubRequest {
  private done = false;
  private timer: NodeJS.Timeout | undefined;
  private current: SocketConnection | undefined;
  private unwait: (() => void) | undefined;
  private unwatch: (() => void) | undefined;
  private resolve!: (answer: HubAnswer) => void;
  readonly answer: Promise<HubAnswer>;

  constructor(
    private readonly router: RequestRouter,
    private readonly appId: string,
    private readonly correlationId: string,
    private readonly text: string,
    private readonly options: HubRequestOptions,
  ) {
    this.answer = new Promise<HubAnswer>((resolve) => {
      this.resolve = resolve;
    });
  }

  /** Whether the connection awaits this request's answer (the `Pending` entry of the hub). */
  get event(): boolean {
    return this.options.event;
  }

  start(): Promise<HubAnswer> {
    const { signal, timeoutMs } = this.options;
    this.timer = setTimeout(() => this.finish({ kind: 'unreachable', reason: this.current ? 'no reply in time' : 'no connection' }), Math.max(0, timeoutMs));
    if (signal?.aborted) {
      this.finish({ kind: 'unreachable', reason: 'aborted' });
      return this.answer;
    }
    if (signal) this.unwatch = this.router.whenAborted(signal, () => this.finish({ kind: 'unreachable', reason: 'aborted' }));
    this.attempt();
    return this.answer;
  }

  /** The connection's answer; a connection that died first sends the frame on to another one. */
  settle(answer: HubAnswer): void {
    if (answer.kind === 'unreachable' && answer.reason === 'connection_closed' && !this.done) {
      this.current = undefined;
      this.attempt();
      return;
    }
    this.finish(answer);
  }

  private attempt(): void {
    if (this.done) return;
    this.unwait?.();
    this.unwait = undefined;
    const connection = this.router.pick(this.appId, this.options.affinity);
    if (!connection) {
      this.unwait = this.router.waitFor(this.appId, () => this.attempt());
      return;
    }
    this.current = connection;
    const ackAwaited = !this.options.event || connection.acksEvents;
    connection.pending.set(this.correlationId, this);
    connection.send(this.text, (error) => {
      if (error) {
        if (connection.pending.get(this.correlationId) === this) this.router.failPending(connection, this.correlationId);
        return;
      }
      if (!ackAwaited && !connection.acksEvents) this.finish({ kind: 'answered', reply: { correlation_id: this.correlationId, status: 200 } });
    });
  }

  private finish(answer: HubAnswer): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.unwait?.();
    const current = this.current;
    if (current?.pending.get(this.correlationId) === this) {
      current.pending.delete(this.correlationId);
      // Room freed under the back-pressure limit (a write completed, a reply timed out).
      this.router.notify(this.appId);
    }
    this.unwatch?.();
    this.resolve(answer);
  }
}
