import { randomBytes, randomUUID } from 'node:crypto';
import { parseSocketAppReply, SOCKET_PING, SOCKET_PONG, type SocketAppReply } from '@switchboard/protocol';
import type { WebSocket } from 'ws';
import { HubRequest, type RequestRouter } from './hub-request.js';

/** A ticket from `GET /apps/{appId}/websocket-connection` is good for one connection within this time. */
export const TICKET_TTL_MS = 60_000;

export interface SocketHubOptions {
  /** Connections silent (no frame, no ping, no pong) for longer than this are closed. Default 60 s. */
  idleTimeoutMs?: number;
  /** Frames written but not yet answered, per connection. Default 100 (the socket-mode issue's N). */
  maxUnacked?: number;
  now?: () => number;
}

/**
 * A payload that is already JSON text (an outbox row): framed as is, so an event is neither
 * parsed nor re-serialised on its way to the socket.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

/** What a connection answered (or that it could not). */
export type HubAnswer = { kind: 'answered'; reply: SocketAppReply } | { kind: 'unreachable'; reason: string };

interface Pending {
  /** Event frames resolve on write for connections that do not ack events. */
  event: boolean;
  settle: (answer: HubAnswer) => void;
}

/** One app connection. `acksEvents` once it declared (`acks=events`) or showed that it acks events. */
export class SocketConnection {
  readonly id = randomUUID();
  lastSeen: number;
  acksEvents: boolean;
  readonly pending = new Map<string, Pending>();
  /** Affinity keys (lanes) pinned to this connection; dropped from the hub with it. */
  readonly pinned = new Set<string>();
  closed = false;
  private corked = false;

  constructor(
    readonly appId: string,
    readonly socket: WebSocket,
    now: number,
    acksEvents: boolean,
  ) {
    this.lastSeen = now;
    this.acksEvents = acksEvents;
  }

  /**
   * Sends one frame; the frames sent within one turn of the event loop leave in one write (a
   * lane whose ack arrived and the other lanes it unblocks send together), not one syscall each.
   * `ws` corks its TCP socket around each frame; the outer cork here spans the turn. `_socket`
   * is ws's own field: if it ever goes away, frames are simply written one by one.
   */
  send(text: string, callback: (error?: Error) => void): void {
    const tcp = (this.socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    if (tcp && !this.corked) {
      this.corked = true;
      tcp.cork();
      process.nextTick(() => {
        this.corked = false;
        tcp.uncork();
      });
    }
    this.socket.send(text, callback);
  }
}

/**
 * Socket-mode connections per app (PROTOCOL.md 7): single-use tickets, round-robin among an
 * app's connections, correlation of replies, heartbeats and back-pressure. The transports
 * (events: `SocketTransport`, triggers: `SlashCommands`) only call `request`.
 */
export class SocketHub {
  readonly idleTimeoutMs: number;
  readonly maxUnacked: number;
  private readonly now: () => number;
  private readonly tickets = new Map<string, { appId: string; expiresAt: number }>();
  private readonly byApp = new Map<string, SocketConnection[]>();
  private readonly cursor = new Map<string, number>();
  /** `appId + affinity` -> the connection that key's frames go to while it lives. */
  private readonly affinities = new Map<string, SocketConnection>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly connectListeners: ((appId: string) => void)[] = [];
  /** Requests to end per abort signal (the dispatcher passes one signal to every send). */
  private readonly abortables = new WeakMap<AbortSignal, Set<() => void>>();
  private readonly disconnectListeners: ((appId: string) => void)[] = [];
  private readonly sweeper: NodeJS.Timeout;
  /** Set by closeAll (node shutdown). */
  closed = false;
  private readonly router: RequestRouter = {
    pick: (appId, affinity) => (affinity === undefined ? this.pick(appId) : this.pickPinned(appId, affinity)),
    waitFor: (appId, wake) => this.waitFor(appId, wake),
    notify: (appId) => this.notify(appId),
    whenAborted: (signal, onAbort) => this.whenAborted(signal, onAbort),
    failPending: (connection, correlationId) => this.failPending(connection, correlationId),
  };

  constructor(options: SocketHubOptions = {}) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.maxUnacked = options.maxUnacked ?? 100;
    this.now = options.now ?? Date.now;
    this.sweeper = setInterval(() => this.sweep(), Math.min(10_000, Math.max(50, this.idleTimeoutMs / 4)));
    this.sweeper.unref();
  }

  /** A random single-use ticket for `appId`, valid {@link TICKET_TTL_MS}. */
  issueTicket(appId: string): string {
    const ticket = randomBytes(32).toString('base64url');
    this.tickets.set(ticket, { appId, expiresAt: this.now() + TICKET_TTL_MS });
    return ticket;
  }

  /** The app a ticket was issued to; the ticket is spent either way. */
  consumeTicket(ticket: string): string | undefined {
    const entry = this.tickets.get(ticket);
    if (!entry) return undefined;
    this.tickets.delete(ticket);
    return entry.expiresAt > this.now() ? entry.appId : undefined;
  }

  /** Called with the app id whenever an app gains a connection (events waiting for it may flow). */
  onConnect(listener: (appId: string) => void): void {
    this.connectListeners.push(listener);
  }

  /** Called with the app id when the app's last connection on this node closed. */
  onDisconnect(listener: (appId: string) => void): void {
    this.disconnectListeners.push(listener);
  }

  connectionCount(appId?: string): number {
    if (appId !== undefined) return this.byApp.get(appId)?.length ?? 0;
    let n = 0;
    for (const list of this.byApp.values()) n += list.length;
    return n;
  }

  /** Apps with at least one connection on this node. */
  connectedApps(): string[] {
    return [...this.byApp.keys()];
  }

  /** Takes over an accepted WebSocket of `appId`. */
  add(appId: string, socket: WebSocket, acksEvents = false): SocketConnection {
    const connection = new SocketConnection(appId, socket, this.now(), acksEvents);
    const list = this.byApp.get(appId) ?? [];
    list.push(connection);
    this.byApp.set(appId, list);
    socket.on('message', (data, isBinary) => this.onFrame(connection, data as Buffer, isBinary));
    socket.on('pong', () => {
      connection.lastSeen = this.now();
    });
    socket.on('close', () => this.remove(connection));
    socket.on('error', () => socket.terminate());
    this.notify(appId);
    for (const listener of this.connectListeners) listener(appId);
    return connection;
  }

  /**
   * Sends `payload` to one live connection of the app and waits: a trigger until its reply, an
   * event until written (or until acked, on connections that ack events). `timeoutMs` bounds the
   * whole wait, including waiting for a connection or for room under the back-pressure limit.
   */
  request(
    appId: string,
    payload: unknown,
    options: {
      event: boolean;
      timeoutMs: number;
      correlationId?: string;
      signal?: AbortSignal;
      /** Frames with the same key go to the same connection while it is open (in order). */
      affinity?: string;
    },
  ): Promise<HubAnswer> {
    const correlationId = options.correlationId ?? randomUUID();
    const body = payload instanceof JsonText ? payload.text : JSON.stringify(payload);
    const text = `{"correlation_id":${JSON.stringify(correlationId)},"payload":${body}}`;
    // A person waiting on a trigger gets the offline message at once when nothing is connected.
    if (!options.event && this.connectionCount(appId) === 0) return Promise.resolve({ kind: 'unreachable', reason: 'no connection' });
    return new HubRequest(this.router, appId, correlationId, text, options).start();
  }

  /** Closes every connection (node shutdown) and stops the sweeper. */
  closeAll(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const list of this.byApp.values()) for (const connection of [...list]) connection.socket.close(1001, 'server shutting down');
  }

  /**
   * Runs `onAbort` when `signal` aborts; returns an unregister. One listener per signal, as
   * EventTarget's add/remove scan every listener: with thousands of sends waiting on one signal,
   * a listener per request made each send O(waiting).
   */
  private whenAborted(signal: AbortSignal, onAbort: () => void): () => void {
    let set = this.abortables.get(signal);
    if (!set) {
      const callbacks = new Set<() => void>();
      set = callbacks;
      this.abortables.set(signal, callbacks);
      signal.addEventListener(
        'abort',
        () => {
          for (const callback of [...callbacks]) callback();
        },
        { once: true },
      );
    }
    const callbacks = set;
    callbacks.add(onAbort);
    return () => callbacks.delete(onAbort);
  }

  private failPending(connection: SocketConnection, correlationId: string): void {
    const pending = connection.pending.get(correlationId);
    connection.pending.delete(correlationId);
    pending?.settle({ kind: 'unreachable', reason: 'connection_closed' });
  }

  /**
   * The connection `affinity` is pinned to, if it is open (waiting for room there rather than
   * moving: frames of one key must not overtake each other on two connections); else a new pin.
   */
  private pickPinned(appId: string, affinity: string): SocketConnection | undefined {
    const key = `${appId}\u0000${affinity}`;
    const pinned = this.affinities.get(key);
    if (pinned && !pinned.closed && pinned.socket.readyState === 1) return pinned.pending.size < this.maxUnacked ? pinned : undefined;
    const connection = this.pick(appId);
    if (connection) {
      this.affinities.set(key, connection);
      connection.pinned.add(key);
    }
    return connection;
  }

  /** Round-robin over the app's open connections with room under the back-pressure limit. */
  private pick(appId: string): SocketConnection | undefined {
    const list = this.byApp.get(appId);
    if (!list || list.length === 0) return undefined;
    const start = this.cursor.get(appId) ?? 0;
    for (let i = 0; i < list.length; i += 1) {
      const index = (start + i) % list.length;
      const connection = list[index];
      if (!connection.closed && connection.socket.readyState === 1 && connection.pending.size < this.maxUnacked) {
        this.cursor.set(appId, index + 1);
        return connection;
      }
    }
    return undefined;
  }

  /** Runs `wake` once when the app gains a connection or a connection gets room; returns a canceller. */
  private waitFor(appId: string, wake: () => void): () => void {
    const set = this.waiters.get(appId) ?? new Set();
    this.waiters.set(appId, set);
    // Each wait hands in its own fresh callback: it is its own key, and notify removes it before calling it.
    set.add(wake);
    return () => set.delete(wake);
  }

  private notify(appId: string): void {
    const set = this.waiters.get(appId);
    // Oldest waiter first, while there is room: O(woken) per call, not a copy of every waiter (one
    // call per ack; with lanes' windows open, hundreds of sends can wait for room at once). A waiter
    // that finds no room after all queues itself again, and pick() then fails too, ending the loop.
    // A waiter pinned to a full connection re-queues while another connection has room: the
    // budget (each waiter present now, once) ends the loop then.
    let budget = set?.size ?? 0;
    while (set && set.size > 0 && budget-- > 0 && this.pick(appId)) {
      // pick() advanced the cursor; the waiter picks again for itself (and leaves the set).
      const wake = set.values().next().value as () => void;
      set.delete(wake);
      wake();
    }
  }

  private onFrame(connection: SocketConnection, data: Buffer, isBinary: boolean): void {
    connection.lastSeen = this.now();
    if (!isBinary && data.length === SOCKET_PING.length && data.toString() === SOCKET_PING) {
      connection.socket.send(SOCKET_PONG);
      return;
    }
    const parsed = parseSocketAppReply(data);
    if (!parsed.ok) {
      this.errorFrame(connection, 'invalid_frame', parsed.message);
      return;
    }
    const reply = parsed.frame;
    const pending = connection.pending.get(reply.correlation_id);
    if (!pending) {
      this.errorFrame(connection, 'unknown_correlation_id', `No frame awaits a reply with correlation_id ${reply.correlation_id}.`);
      return;
    }
    if (pending.event) connection.acksEvents = true;
    connection.pending.delete(reply.correlation_id);
    pending.settle({ kind: 'answered', reply });
    this.notify(connection.appId);
  }

  private errorFrame(connection: SocketConnection, code: string, message: string): void {
    if (connection.socket.readyState === 1) connection.socket.send(JSON.stringify({ error: { code, message } }));
  }

  private remove(connection: SocketConnection): void {
    if (connection.closed) return;
    connection.closed = true;
    for (const key of connection.pinned) if (this.affinities.get(key) === connection) this.affinities.delete(key);
    const list = this.byApp.get(connection.appId);
    if (list) {
      const index = list.indexOf(connection);
      if (index >= 0) list.splice(index, 1);
      if (list.length === 0) {
        this.byApp.delete(connection.appId);
        for (const listener of this.disconnectListeners) listener(connection.appId);
      }
    }
    for (const id of [...connection.pending.keys()]) this.failPending(connection, id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [ticket, entry] of this.tickets) if (entry.expiresAt <= now) this.tickets.delete(ticket);
    for (const list of this.byApp.values()) {
      for (const connection of [...list]) {
        if (now - connection.lastSeen > this.idleTimeoutMs) {
          connection.socket.close(4008, 'idle');
          connection.socket.terminate();
          this.remove(connection);
        }
      }
    }
  }
}
