import type { MenuReply, ModalReply, ViewErrorsReply } from '@switchboard/protocol';
import type { JsonObject } from '../verify.js';

/**
 * The contract between a transport and the app core (Bolt's `Receiver`, smaller). A receiver
 * turns whatever arrives (a signed HTTP POST, a socket frame, a relay message) into a
 * {@link Delivery}, hands it to the core with an {@link AckFn}, and sends the first reply the
 * core gives back. The core never learns which transport delivered, so HTTP, socket mode and
 * the relay are interchangeable.
 */

/** One verified delivery from the platform. */
export interface Delivery {
  /** The parsed JSON body (PROTOCOL.md 6.2); the core validates its shape. */
  payload: JsonObject;
  /** `x-switchboard-delivery-id` (or the relay's event id): equal on every retry. */
  deliveryId?: string;
  /** How many times the platform already tried, when it says so. */
  retryCount?: number;
  /**
   * Which wire it came over: `pumble` app deliveries (PROTOCOL.md 6, the default) or `watson`
   * webhook events (section 8: flat `{"type": "message-created", …}`), as from the relay.
   */
  scheme?: 'pumble' | 'watson';
}

/**
 * What the core answers (PROTOCOL.md 6.3): 2xx acks, anything else nacks. `body` is sent as
 * JSON: `{}`, `{message}`, a modal, a menu or a view's per-block errors. A socket receiver maps it
 * to `{status, message, body}`.
 */
export interface AckReply {
  status: number;
  body: { message?: string } | ModalReply | MenuReply | ViewErrorsReply;
}

/** Called by the core exactly once per delivery; later calls are ignored. */
export type AckFn = (reply: AckReply) => void;

/** What a receiver needs from the app: a place to hand deliveries and to report transport errors. */
export interface ReceiverHost {
  /**
   * Runs the delivery's listeners. Calls `ack` exactly once (even when a handler throws) and
   * never rejects; it resolves when the handlers are done, which may be well after the ack.
   */
  handle(delivery: Delivery, ack: AckFn): Promise<void>;
  /** Errors the receiver itself hit (a socket that died mid-reply); never thrown back. */
  reportError(error: unknown): void;
}

/**
 * A transport. `start` begins accepting deliveries for `host`; `stop` releases every socket
 * and timer so the process can exit.
 * @example
 * class MyReceiver implements Receiver {
 *   async start(host: ReceiverHost) { this.source.on('delivery', (d, send) => host.handle(d, send)); }
 *   async stop() { await this.source.close(); }
 * }
 */
export interface Receiver {
  start(host: ReceiverHost): Promise<void>;
  stop(): Promise<void>;
}
