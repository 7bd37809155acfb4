import { SOCKET_PING, SOCKET_PING_INTERVAL_MS, SOCKET_PONG, SocketConnectionResponse } from '@switchboard/protocol';
import WebSocket from 'ws';
import type { JsonObject } from '../verify.js';
import { closeSocket } from './close-socket.js';
import type { AckReply, Receiver, ReceiverHost } from './receiver.js';
import { reconnectDelay } from './reconnect-delay.js';

export interface SocketReceiverOptions {
  /** The app's id (Pumble: the app id from the app's settings). */
  appId: string;
  /** The app key (`x-app-token`); it buys a one-time connection URL. */
  appKey: string;
  /** The platform's API base URL, e.g. `http://localhost:8080` or Pumble's API host. */
  baseUrl: string;
  /** How often to send `ping`. Default 25 s (PROTOCOL.md 7). */
  pingIntervalMs?: number;
  /** A connection that has not answered `pong` this long after a ping is dropped and replaced. Default 10 s. */
  pongTimeoutMs?: number;
  /** Reconnect delays: doubling from `initialMs` up to `maxMs`, each with random jitter (half to full). Defaults 500 ms / 30 s. */
  backoff?: { initialMs?: number; maxMs?: number };
  /**
   * Ack events with `{correlation_id, status: 200}` and tell the platform so (`acks=events`), so
   * Switchboard redelivers unacked events after a reconnect. Default true; Pumble ignores both.
   */
  ackEvents?: boolean;
  /** Injectable for tests. */
  fetch?: typeof fetch;
}

export type SocketReceiverState = 'idle' | 'connecting' | 'open' | 'waiting' | 'stopped';

/**
 * Socket mode (PROTOCOL.md 7): no public URL needed. Fetches a one-time URL with the app key,
 * connects, hands each `{correlation_id, payload}` frame to the app and answers with a binary
 * `{correlation_id, status, message?, body?}`. Pings every 25 s with a pong deadline and
 * reconnects with exponential backoff and jitter, also when the URL fetch itself fails.
 * @example
 * // No signingSecret needed: frames are authenticated by the one-time URL, not by HMAC.
 * const app = createApp({ manifest, receiver: new SocketReceiver({ appId, appKey, baseUrl }) });
 * await app.start();
 */
export class SocketReceiver implements Receiver {
  private readonly options: SocketReceiverOptions;
  private readonly fetchImpl: typeof fetch;
  private host: ReceiverHost | undefined;
  private ws: WebSocket | undefined;
  private state: SocketReceiverState = 'idle';
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private pongTimer: NodeJS.Timeout | undefined;
  private openWaiters: (() => void)[] = [];
  /** Connections opened so far (observability, tests). */
  connections = 0;

  constructor(options: SocketReceiverOptions) {
    if (!options.appId || !options.appKey || !options.baseUrl) throw new Error('SocketReceiver needs appId, appKey and baseUrl.');
    this.options = options;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Starts connecting; resolves after the first attempt (a failed one is retried in the background). */
  async start(host: ReceiverHost): Promise<void> {
    if (this.state !== 'idle' && this.state !== 'stopped') throw new Error('The socket receiver is already started.');
    this.host = host;
    this.state = 'connecting';
    this.attempt = 0;
    await this.connect();
  }

  /** Resolves once a connection is open (now, if one is). @example await receiver.whenOpen(); */
  whenOpen(): Promise<void> {
    if (this.state === 'open') return Promise.resolve();
    return new Promise((resolve) => this.openWaiters.push(resolve));
  }

  get status(): SocketReceiverState {
    return this.state;
  }

  /** Closes the connection and clears every timer. @example await receiver.stop(); */
  async stop(): Promise<void> {
    this.state = 'stopped';
    this.clearTimers();
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const ws = this.ws;
    this.ws = undefined;
    await closeSocket(ws, 'app stopping');
  }

  private async connect(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'connecting';
    let url: string;
    try {
      url = await this.connectionUrl();
    } catch (error) {
      this.report(error);
      this.scheduleReconnect();
      return;
    }
    if (this.isStopped()) return;
    await new Promise<void>((settle) => {
      const ws = new WebSocket(url);
      this.ws = ws;
      let opened = false;
      ws.on('open', () => {
        opened = true;
        this.state = 'open';
        this.attempt = 0;
        this.connections += 1;
        this.startPing(ws);
        for (const resolve of this.openWaiters.splice(0)) resolve();
        settle();
      });
      ws.on('message', (data, isBinary) => this.onMessage(ws, data as Buffer, isBinary));
      ws.on('unexpected-response', (_request, response) => {
        this.report(new Error(`The socket-mode connection was refused with HTTP ${response.statusCode}.`));
        ws.terminate();
      });
      ws.on('error', (error) => {
        this.report(error);
      });
      ws.on('close', () => {
        if (this.ws === ws) {
          this.ws = undefined;
          this.clearTimers();
          this.scheduleReconnect();
        }
        if (!opened) settle();
      });
    });
  }

  private async connectionUrl(): Promise<string> {
    const { appId, appKey, baseUrl } = this.options;
    const endpoint = new URL(`apps/${encodeURIComponent(appId)}/websocket-connection`, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    endpoint.searchParams.set('appKey', appKey);
    const response = await this.fetchImpl(endpoint, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`GET websocket-connection answered HTTP ${response.status}.`);
    const { url } = SocketConnectionResponse.parse(await response.json());
    if (this.options.ackEvents === false) return url;
    const withAcks = new URL(url);
    withAcks.searchParams.set('acks', 'events');
    return withAcks.toString();
  }

  private onMessage(ws: WebSocket, data: Buffer, isBinary: boolean): void {
    const text = data.toString('utf8');
    if (!isBinary && text === SOCKET_PONG) {
      clearTimeout(this.pongTimer);
      this.pongTimer = undefined;
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      this.report(new Error('The platform sent a frame that is not JSON.'));
      return;
    }
    if (!isObject(frame) || typeof frame.correlation_id !== 'string' || !isObject(frame.payload)) {
      // Error frames ({error: {code, message}}) and anything unknown are reported, never thrown.
      this.report(new Error(`Unexpected socket frame: ${text.slice(0, 200)}`));
      return;
    }
    const correlationId = frame.correlation_id;
    const isEvent = frame.payload.messageType === 'PUMBLE_EVENT' || frame.payload.messageType === 'APP_EVENT';
    const ack = (reply: AckReply) => {
      if (isEvent && this.options.ackEvents === false) return;
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.send(Buffer.from(JSON.stringify(replyFrame(correlationId, reply))), { binary: true }, (error) => {
        if (error) this.report(error);
      });
    };
    this.host?.handle({ payload: frame.payload as JsonObject, deliveryId: correlationId }, ack).catch((error: unknown) => {
      this.report(error);
      ack({ status: 500, body: {} });
    });
  }

  private startPing(ws: WebSocket): void {
    const every = this.options.pingIntervalMs ?? SOCKET_PING_INTERVAL_MS;
    const deadline = this.options.pongTimeoutMs ?? 10_000;
    this.pingTimer = setInterval(() => {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.send(SOCKET_PING);
      if (this.pongTimer) return;
      this.pongTimer = setTimeout(() => {
        this.pongTimer = undefined;
        this.report(new Error(`No pong within ${deadline} ms: reconnecting.`));
        ws.terminate();
      }, deadline);
    }, every);
  }

  private scheduleReconnect(): void {
    if (this.state === 'stopped') return;
    this.state = 'waiting';
    const delay = reconnectDelay(this.attempt, this.options.backoff);
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

  private clearTimers(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    this.pingTimer = undefined;
    this.pongTimer = undefined;
  }

  private report(error: unknown): void {
    if (this.state === 'stopped') return;
    this.host?.reportError(error);
  }
}

/** `AckReply` → the socket reply frame: `{message}` goes to `message`, a modal or menu to `body`. */
function replyFrame(correlationId: string, reply: AckReply): Record<string, unknown> {
  const frame: Record<string, unknown> = { correlation_id: correlationId, status: reply.status };
  const body = reply.body as Record<string, unknown>;
  const keys = Object.keys(body ?? {});
  if (keys.length === 0) return frame;
  if (keys.length === 1 && typeof body.message === 'string') frame.message = body.message;
  else frame.body = body;
  return frame;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
