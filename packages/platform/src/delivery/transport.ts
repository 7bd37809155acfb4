import type { DeliveryTarget } from './targets.js';

/** One attempt at delivering one outbox row. */
export interface Delivery {
  /** The outbox row id: the same on every retry, so receivers can drop duplicates. */
  id: string;
  appId: string;
  workspaceId: string;
  eventType: string;
  channelKey: string;
  /** The raw body, sent byte for byte (it is what gets signed). */
  payload: string;
  /** Attempts made before this one (0 on the first try). */
  retryCount: number;
  /** Per app+channel sequence for X-OUTBOUND-INDEX, when the enqueuer set one. */
  outboundIndex: number | null;
  target: DeliveryTarget;
}

/**
 * `ok`: delivered. `retry`: try again per the schedule (`retryAfterMs` from a 429 pushes the
 * next attempt later, never earlier). `permanent`: retrying cannot help (bad URL, refused target).
 * `held`: not attempted, because a delivery of its lane handed over before it failed (transports
 * that queue a lane, see `DeliveryTransport.laneWindow`); it waits behind that one, no attempt counted.
 * `status`/`error` are kept on the row for the operations API.
 */
export type DeliveryOutcome =
  | { kind: 'ok'; status?: number }
  | { kind: 'retry'; status?: number; error?: string; retryAfterMs?: number }
  | { kind: 'permanent'; status?: number; error?: string }
  | { kind: 'held' };

/** A way of reaching apps: HTTP POST, a socket-mode connection, the relay. */
export interface DeliveryTransport {
  /** Must resolve (never reject) once the outcome is known; `signal` aborts it on stop(). */
  send(delivery: Delivery, signal: AbortSignal): Promise<DeliveryOutcome>;
  /**
   * What endpoint gating groups by (HTTP: the URL origin). Deliveries with the same key share
   * one health state: while it fails, one probe per retry tick goes out and the rest wait.
   */
  endpointKey(target: DeliveryTarget): string;
  /**
   * Deliveries of one lane (app + channel) this transport may have in flight at once, sent in
   * order; unset = the dispatcher's `laneWindow`. A transport that keeps a lane on one ordered
   * stream (a socket-mode connection) can pipeline without reordering what the app receives.
   */
  readonly laneWindow?: number;
}
