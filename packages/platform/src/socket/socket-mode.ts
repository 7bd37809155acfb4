import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { ClusterBus } from '../cluster/index.js';
import { type DeliveryDispatcher, releaseParked } from '../delivery/index.js';
import type { Dialect } from '../store/db.js';
import type { Database } from '../store/schema.js';
import { CrossNodeTriggers } from './cross-node-triggers.js';
import { type HubAnswer, SocketHub, type SocketHubOptions } from './socket-hub.js';
import { SocketPresence } from './socket-presence.js';
import { NOT_CONNECTED, SocketTransport } from './socket-transport.js';

export interface SocketModeOptions extends SocketHubOptions {
  /** Events of one app+channel lane in flight at once on its connection (see SocketTransportOptions). */
  laneWindow?: number;
  /** How often rows parked for lack of a connection are made due for apps connected here. Default 1 s. */
  releaseIntervalMs?: number;
  /** With a shared bus (PostgreSQL), triggers and parked events reach apps connected to other nodes. */
  cluster?: ClusterBus;
  onError?: (error: unknown) => void;
}

/** How triggers reach a socket-mode app: its connection on this node, else one on another node. */
export interface SocketTriggers {
  request(appId: string, payload: unknown, timeoutMs: number): Promise<HubAnswer>;
}

/**
 * Socket mode for one node: the hub and the event transport, wired so that events parked in
 * the outbox because no connection was there (on this node or, with PostgreSQL, on another one)
 * become due as soon as the app is connected here, instead of at the next 30 s retry tick.
 * Only rows whose last failure was "not connected" are touched: a nacked event keeps its schedule.
 * In a PostgreSQL cluster, another node announcing parked rows (see AnnouncingOutboxStore)
 * triggers the same release at once; the timer is the fallback for lost announcements.
 * @example const socketMode = createSocketMode(store.db, store.dialect, clock); transports: { http, socket: socketMode.transport }
 */
export function createSocketMode(db: Kysely<Database>, dialect: Dialect, clock: Clock, options: SocketModeOptions = {}) {
  const { cluster, onError = () => {} } = options;
  const hub = new SocketHub({ now: () => clock.now(), ...options });
  const transport = new SocketTransport(hub, options.laneWindow === undefined ? {} : { laneWindow: options.laneWindow });
  const presence = cluster?.shared ? new SocketPresence(db, clock, cluster.nodeId, () => hub.connectedApps(), { onError }) : undefined;
  const remote = cluster && presence ? new CrossNodeTriggers(db, clock, cluster, hub, presence, onError) : undefined;
  let dispatcher: DeliveryDispatcher | undefined;

  const releaseNow = async (appIds: string[], reopen: boolean) => {
    if (appIds.length === 0) return;
    try {
      const now = clock.now();
      const released = await releaseParked(db, dialect, appIds, NOT_CONNECTED, now);
      if (reopen) for (const appId of appIds) dispatcher?.reopen(`socket:${appId}`);
      else if (released > 0) dispatcher?.wake();
    } catch (error) {
      // The store is closing or briefly unavailable: the next tick tries again.
      onError(error);
    }
  };
  // Releases run one at a time; requests arriving meanwhile merge into the next one (none is dropped).
  let chain: Promise<void> = Promise.resolve();
  let queued: { apps: Set<string>; reopen: boolean; done: Promise<void> } | undefined;
  const release = (appIds: string[], reopen: boolean): Promise<void> => {
    if (queued) {
      for (const appId of appIds) queued.apps.add(appId);
      queued.reopen ||= reopen;
      return queued.done;
    }
    const next: { apps: Set<string>; reopen: boolean; done: Promise<void> } = { apps: new Set(appIds), reopen, done: Promise.resolve() };
    queued = next;
    next.done = chain = chain.then(() => {
      queued = undefined;
      return releaseNow([...next.apps], next.reopen);
    });
    return next.done;
  };

  hub.onConnect((appId) => {
    presence?.connected(appId);
    dispatcher?.reopen(`socket:${appId}`);
    void release([appId], true);
  });
  hub.onDisconnect((appId) => presence?.disconnected(appId));
  // Rows another node parked or released: make ours due, then claim (theirs may be any app's).
  const catchUp = () => void release(hub.connectedApps(), false).then(() => dispatcher?.wake());
  cluster?.on('parked', catchUp);
  cluster?.onResync(catchUp);
  const timer = setInterval(() => {
    if (hub.closed) clearInterval(timer);
    else void release(hub.connectedApps(), false);
  }, options.releaseIntervalMs ?? 1_000);
  timer.unref();

  const triggers: SocketTriggers = {
    request: (appId, payload, timeoutMs) =>
      remote && hub.connectionCount(appId) === 0 ? remote.request(appId, payload, timeoutMs) : hub.request(appId, payload, { event: false, timeoutMs }),
  };

  return {
    hub,
    transport,
    triggers,
    /** The dispatcher to wake when an app connects (it is built after the transport). */
    attach(d: DeliveryDispatcher) {
      dispatcher = d;
    },
    /** Closes the connections and, in a cluster, stops answering for them (presence rows removed). */
    async stop() {
      clearInterval(timer);
      hub.closeAll();
      remote?.stop();
      await presence?.stop();
    },
  };
}

export type SocketMode = ReturnType<typeof createSocketMode>;
