import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import { type DeliveryDispatcher, resetSchedule } from '../delivery/index.js';
import type { Database } from '../store/schema.js';
import { SocketHub, type SocketHubOptions } from './socket-hub.js';
import { SocketTransport } from './socket-transport.js';

/**
 * Socket mode for one node: the hub and the event transport, wired so that an app connecting
 * makes its waiting events due now (not at the next retry tick) and lifts its endpoint gate.
 * @example const socketMode = createSocketMode(db, clock); transports: { http, socket: socketMode.transport }
 */
export function createSocketMode(db: Kysely<Database>, clock: Clock, options: SocketHubOptions = {}) {
  const hub = new SocketHub({ now: () => clock.now(), ...options });
  const transport = new SocketTransport(hub);
  let dispatcher: DeliveryDispatcher | undefined;
  const release = (appId: string) =>
    resetSchedule(db, appId, null, clock.now())
      .catch(() => 0)
      .then(() => dispatcher?.reopen(`socket:${appId}`));
  hub.onConnect((appId) => {
    void release(appId);
    // Sends failed by the previous connection may be recorded just after this: release those too.
    setTimeout(() => void release(appId), 1_500).unref();
  });
  return {
    hub,
    transport,
    /** The dispatcher to wake when an app connects (it is built after the transport). */
    attach(d: DeliveryDispatcher) {
      dispatcher = d;
    },
  };
}
