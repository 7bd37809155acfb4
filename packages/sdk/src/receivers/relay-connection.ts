import {
  batchWritesPerTick,
  RELAY_PING_INTERVAL_MS,
  type RelayClientFrame,
  type RelayEventFrame,
  RelayServerFrame,
  type RelayTriggerFrame,
} from '@switchboard/protocol';
import WebSocket from 'ws';
import type { TokenProvider } from '../client/auth.js';
import { closeSocket } from './close-socket.js';
import { reconnectDelay } from './reconnect-delay.js';

/** What a consumer does with the relay's frames (the SDK's receiver, or `switchboard listen`). */
export interface RelayFrameHandlers {
  /** Resolves true once the event is handled and may be acked; false leaves it queued (re-sent later). */
  onEvent(frame: RelayEventFrame): Promise<boolean>;
  /** The reply the relay passes to the platform (status and JSON body). */
  onTrigger(frame: RelayTriggerFrame): Promise<{ status: number; body: unknown }>;
  /** Transport problems and error frames; never thrown. */
  onError(error: unknown): void;
}

export interface RelayConnectionOptions {
  /** The relay's base URL, e.g. `https://relay.example.com`. */
  relayUrl: string;
  appId: string;
  /** The app's identity tokens (PROTOCOL.md 4.3), e.g. an `AppTokenManager`. */
  tokens: TokenProvider;
  /**
   * Silence after which the relay is presumed gone and the connection replaced. The relay pings
   * every 20 s; default two pings and a margin (45 s).
   */
  silenceTimeoutMs?: number;
  /** Reconnect delays: doubling from `initialMs` up to `maxMs`, each with jitter (half to full). Defaults 500 ms / 30 s. */
  backoff?: { initialMs?: number; maxMs?: number };
}

export type RelayConnectionState = 'idle' | 'connecting' | 'open' | 'waiting' | 'stopped';

/** The relay closes with this code when the token expires; a fresh one is fetched at once. */
const TOKEN_EXPIRED_CLOSE = 4401;

/**
 * One consumer connection to the relay's `/webhooks/:appId` WebSocket: authenticates with the
 * app's JWT, runs events one at a time in arrival order and acks each only after its handler,
 * answers triggers at once, detects a silent relay (no ping or frame for `silenceTimeoutMs`) and
 * reconnects with backoff and jitter. `stop()` leaves no socket or timer behind.
 * @example
 * const connection = new RelayConnection({ relayUrl, appId, tokens }, { onEvent, onTrigger, onError });
 * await connection.start();
 */
export class RelayConnection {
  private ws: WebSocket | undefined;
  /** Per connection: groups the acks and replies of one tick into one socket write. */
  private readonly beforeWrite = new WeakMap<WebSocket, () => void>();
  private state: RelayConnectionState = 'idle';
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private openWaiters: (() => void)[] = [];
  /** Events being handled: a re-send of one of them (ack timeout) is not run twice. */
  private readonly handling = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  /** Connections opened so far (observability, tests). */
  connections = 0;

  constructor(
    private readonly options: RelayConnectionOptions,
    private readonly handlers: RelayFrameHandlers,
  ) {
    if (!options.relayUrl || !options.appId || !options.tokens) throw new TypeError('RelayConnection needs relayUrl, appId and tokens.');
  }

  get status(): RelayConnectionState {
    return this.state;
  }

  /** Starts connecting; resolves after the first attempt (a failed one is retried in the background). */
  async start(): Promise<void> {
    if (this.state !== 'idle' && this.state !== 'stopped') throw new Error('The relay connection is already started.');
    this.state = 'connecting';
    this.attempt = 0;
    await this.connect();
  }

  /** Resolves once a connection is open. */
  whenOpen(): Promise<void> {
    if (this.state === 'open') return Promise.resolve();
    return new Promise((resolve) => this.openWaiters.push(resolve));
  }

  /** Closes the connection, clears every timer and waits for the event being handled. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.silenceTimer);
    this.reconnectTimer = undefined;
    const ws = this.ws;
    this.ws = undefined;
    await closeSocket(ws, 'consumer stopping');
    await this.chain;
  }

  private url(): string {
    const base = this.options.relayUrl.replace(/\/+$/, '').replace(/^http/, 'ws');
    return `${base}/webhooks/${encodeURIComponent(this.options.appId)}`;
  }

  private async connect(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'connecting';
    let token: string;
    try {
      token = await this.options.tokens.getToken();
    } catch (error) {
      this.report(error);
      this.scheduleReconnect();
      return;
    }
    if (this.isStopped()) return;
    await new Promise<void>((settle) => {
      const ws = new WebSocket(this.url(), { headers: { authorization: `Bearer ${token}` } });
      this.ws = ws;
      ws.once('upgrade', (response) => this.beforeWrite.set(ws, batchWritesPerTick(response.socket)));
      let opened = false;
      ws.on('open', () => {
        opened = true;
        this.state = 'open';
        this.attempt = 0;
        this.connections += 1;
        this.heard(ws);
        for (const resolve of this.openWaiters.splice(0)) resolve();
        settle();
      });
      ws.on('ping', () => this.heard(ws));
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        this.heard(ws);
        this.onMessage(ws, data, isBinary);
      });
      ws.on('unexpected-response', (_request, response) => {
        if (response.statusCode === 401) this.options.tokens.invalidate?.(token);
        this.report(new Error(`The relay refused the connection with HTTP ${response.statusCode}.`));
        ws.terminate();
      });
      ws.on('error', (error) => this.report(error));
      ws.on('close', (code) => {
        if (code === TOKEN_EXPIRED_CLOSE) {
          this.options.tokens.invalidate?.(token);
          this.attempt = 0;
        }
        if (this.ws === ws) {
          this.ws = undefined;
          clearTimeout(this.silenceTimer);
          this.scheduleReconnect(code === TOKEN_EXPIRED_CLOSE ? 0 : undefined);
        }
        if (!opened) settle();
      });
    });
  }

  /** Any sign of life from the relay restarts the silence watchdog. */
  private heard(ws: WebSocket): void {
    clearTimeout(this.silenceTimer);
    const limit = this.options.silenceTimeoutMs ?? 2 * RELAY_PING_INTERVAL_MS + 5_000;
    this.silenceTimer = setTimeout(() => {
      this.report(new Error(`The relay sent nothing for ${limit} ms: reconnecting.`));
      ws.terminate();
    }, limit);
  }

  private onMessage(ws: WebSocket, data: Buffer, isBinary: boolean): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString('utf8'));
    } catch {
      this.report(new Error(`The relay sent a frame that is not JSON${isBinary ? ' (binary)' : ''}.`));
      return;
    }
    const result = RelayServerFrame.safeParse(parsed);
    if (!result.success) {
      this.report(new Error(`Unexpected relay frame: ${data.toString('utf8').slice(0, 200)}`));
      return;
    }
    const frame = result.data;
    if (frame.type === 'error') {
      this.report(new Error(`The relay refused a frame: ${frame.code}: ${frame.message}`));
    } else if (frame.type === 'trigger') {
      void this.runTrigger(ws, frame);
    } else if (!this.handling.has(frame.id)) {
      this.handling.add(frame.id);
      this.chain = this.chain.then(() => this.runEvent(ws, frame));
    }
  }

  private async runEvent(ws: WebSocket, frame: RelayEventFrame): Promise<void> {
    // Stopped meanwhile: left unacked, the relay hands it out again later.
    if (this.isStopped()) {
      this.handling.delete(frame.id);
      return;
    }
    try {
      const done = await this.handlers.onEvent(frame);
      // Acked on the connection it came over; if that one is gone the relay re-sends it.
      if (done) this.send(ws, { type: 'event_ack', id: frame.id });
    } catch (error) {
      this.report(error);
    } finally {
      this.handling.delete(frame.id);
    }
  }

  private async runTrigger(ws: WebSocket, frame: RelayTriggerFrame): Promise<void> {
    let reply: { status: number; body: unknown };
    try {
      reply = await this.handlers.onTrigger(frame);
    } catch (error) {
      this.report(error);
      reply = { status: 500, body: {} };
    }
    this.send(ws, { type: 'trigger_reply', id: frame.id, status: reply.status, body: reply.body });
  }

  private send(ws: WebSocket, frame: RelayClientFrame): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    this.beforeWrite.get(ws)?.();
    ws.send(JSON.stringify(frame));
  }

  private scheduleReconnect(delayMs?: number): void {
    if (this.state === 'stopped') return;
    this.state = 'waiting';
    const delay = delayMs ?? reconnectDelay(this.attempt, this.options.backoff);
    this.attempt += 1;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
  }

  /** A method, not an inline comparison: `stop()` may run while `connect()` awaits. */
  private isStopped(): boolean {
    return this.state === 'stopped';
  }

  private report(error: unknown): void {
    if (this.state === 'stopped') return;
    this.handlers.onError(error);
  }
}
