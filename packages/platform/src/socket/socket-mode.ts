import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { DeliveryDispatcher } from '../delivery/index.js';
import type { Database } from '../store/schema.js';
import { SocketHub, type SocketHubOptions } from './socket-hub.js';
import { NOT_CONNECTED, SocketTransport } from './socket-transport.js';

export interface SocketModeOptions extends SocketHubOptions {
  /** How often rows parked for lack of a connection are made due for apps connected here. Default 1 s. */
  releaseIntervalMs?: number;
}

/**
 * Socket mode for one node: the hub and the event transport, wired so that events parked in
 * the outbox because no connection was there (on this node or, with PostgreSQL, on another one)
 * become due as soon as the app is connected here, instead of at the next 30 s retry tick.
 * Only rows whose last failure was "not connected" are touched: a nacked event keeps its schedule.
 * @example const socketMode = createSocketMode(db, clock); transports: { http, socket: socketMode.transport }
 */
export function createSocketMode(db: Kysely<Database>, clock: Clock, options: SocketModeOptions = {}) {
  const hub = new SocketHub({ now: () => clock.now(), ...options });
  const transport = new SocketTransport(hub);
  let dispatcher: DeliveryDispatcher | undefined;
  let running = false;

  const release = async (appIds: string[], reopen: boolean) => {
    if (appIds.length === 0 || running) return;
    running = true;
    try {
      const now = clock.now();
      const result = await db
        .updateTable('event_outbox')
        .set({ next_attempt_at: now })
        .where('status', '=', 'pending')
        .where('app_id', 'in', appIds)
        .where('target', 'is', null)
        .where('next_attempt_at', '>', now)
        .where('last_error', '=', NOT_CONNECTED)
        .executeTakeFirst();
      if (reopen) for (const appId of appIds) dispatcher?.reopen(`socket:${appId}`);
      else if (Number(result.numUpdatedRows) > 0) dispatcher?.wake();
    } catch {
      // The store is closing or briefly unavailable: the next tick tries again.
    } finally {
      running = false;
    }
  };

  hub.onConnect((appId) => {
    dispatcher?.reopen(`socket:${appId}`);
    void release([appId], true);
  });
  const timer = setInterval(() => {
    if (hub.closed) clearInterval(timer);
    else void release(hub.connectedApps(), false);
  }, options.releaseIntervalMs ?? 1_000);
  timer.unref();

  return {
    hub,
    transport,
    /** The dispatcher to wake when an app connects (it is built after the transport). */
    attach(d: DeliveryDispatcher) {
      dispatcher = d;
    },
    stop() {
      clearInterval(timer);
      hub.closeAll();
    },
  };
}
