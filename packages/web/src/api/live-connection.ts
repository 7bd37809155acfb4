export interface LiveFrame {
  type: string;
  data: Record<string, unknown>;
}

export type LiveStatus = 'connecting' | 'live' | 'offline';

export interface LiveHandlers {
  frame(frame: LiveFrame): void;
  /** The socket is (re)open; `resumed` is true after a drop, when the page must catch up. */
  open(resumed: boolean): void;
  status(status: LiveStatus): void;
  /** The session ended (close code 4401): sign in again. */
  ended(): void;
}

const SESSION_ENDED = 4401;
const MAX_BACKOFF_MS = 15_000;
const PING_MS = 25_000;

/**
 * `/v1/realtime` with reconnection: exponential backoff with jitter, a ping to notice dead
 * links, and a reconnect as soon as the browser is back online.
 */
export class LiveConnection {
  private socket: WebSocket | undefined;
  private attempts = 0;
  private opened = false;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly handlers: LiveHandlers) {
    addEventListener('online', () => this.reconnectNow());
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.socket?.close(1000, 'bye');
  }

  /** Drops the socket as a network failure would (tests, and "reconnect" after sleep). */
  drop(): void {
    this.socket?.close(4000, 'dropped');
  }

  reconnectNow(): void {
    if (this.stopped || this.socket?.readyState === WebSocket.OPEN) return;
    clearTimeout(this.retryTimer);
    this.connect();
  }

  private connect(): void {
    this.handlers.status('connecting');
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/realtime`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempts = 0;
      this.handlers.status('live');
      this.handlers.open(this.opened);
      this.opened = true;
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send('ping'), PING_MS);
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string' || event.data === 'pong') return;
      try {
        const frame = JSON.parse(event.data) as LiveFrame;
        if (frame.type !== 'hello') this.handlers.frame(frame);
      } catch {
        // Not a frame of ours: ignore.
      }
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      clearInterval(this.pingTimer);
      if (event.code === SESSION_ENDED) return this.handlers.ended();
      if (this.stopped) return;
      this.handlers.status('offline');
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempts) * (0.5 + Math.random() / 2);
      this.attempts += 1;
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
  }
}
