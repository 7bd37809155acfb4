import type { Delivery, DeliveryOutcome, DeliveryTarget, DeliveryTransport } from '../delivery/index.js';
import { JsonText, type SocketHub } from './socket-hub.js';

/** The outbox error of a row that failed only because no connection was there (see createSocketMode). */
export const NOT_CONNECTED = 'socket_not_connected';

export interface SocketTransportOptions {
  /** How long a written event may wait for its ack (connections that ack events). Default 10 s. */
  ackTimeoutMs?: number;
  /**
   * Events of one lane (app + channel) in flight at once. A lane stays on one connection, which
   * delivers in order, so the app receives them in order; only when it nacks one can the (at
   * most N-1) events already sent behind it arrive before its retry. Default 16; 1 = stop-and-wait.
   */
  laneWindow?: number;
}

/**
 * Delivers outbox rows of socket-mode apps over their connections: `{correlation_id: <delivery id>,
 * payload}` to one live connection. With no connection the row waits in the outbox (retry), so
 * events flow in order once the app connects; a connection dying mid-send moves the frame to another.
 */
export class SocketTransport implements DeliveryTransport {
  private readonly ackTimeoutMs: number;
  readonly laneWindow: number;

  constructor(
    private readonly hub: SocketHub,
    options: SocketTransportOptions = {},
  ) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.laneWindow = Math.max(1, options.laneWindow ?? 16);
  }

  endpointKey(target: DeliveryTarget): string {
    return socketEndpointKey(target.url);
  }

  async send(delivery: Delivery, signal: AbortSignal): Promise<DeliveryOutcome> {
    if (this.hub.connectionCount(delivery.appId) === 0) return { kind: 'retry', error: NOT_CONNECTED };
    // Outbox payloads are JSON objects written by the enqueuer; anything else would be a corrupt row.
    const payload = delivery.payload;
    if (!payload.startsWith('{') || !payload.endsWith('}')) return { kind: 'permanent', error: 'invalid_payload' };
    const answer = await this.hub.request(delivery.appId, new JsonText(payload), {
      event: true,
      timeoutMs: this.ackTimeoutMs,
      correlationId: delivery.id,
      // One connection per channel while it lives: pipelined events of a lane stay in order.
      affinity: delivery.channelKey,
      signal,
    });
    if (answer.kind === 'unreachable') {
      return { kind: 'retry', error: answer.reason === 'no connection' ? NOT_CONNECTED : `socket_${answer.reason.replace(/\s+/g, '_')}` };
    }
    const status = answer.reply.status;
    return status >= 200 && status < 300 ? { kind: 'ok', status } : { kind: 'retry', status, error: 'socket_nack' };
  }
}

/**
 * Socket targets carry the app id in `url` (`socket:<appId>`, see RegistryDeliveryTargets); an
 * http URL left there by an older registry still groups per app by falling back to it.
 */
export function socketEndpointKey(url: string): string {
  return url.startsWith('socket:') ? url : `socket:${url}`;
}
