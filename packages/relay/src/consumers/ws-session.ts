import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { batchWritesPerTick, RelayClientFrame } from '@switchboard/protocol';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { Consumer } from './consumer.js';
import type { ConsumerHub } from './consumer-hub.js';
import { errorFrame } from './event-frames.js';
import type { TriggerRelay } from './trigger-relay.js';

export interface WsSessionContext {
  hub: ConsumerHub;
  triggers: TriggerRelay;
  nodeId: string;
  pingIntervalMs: number;
  now: () => number;
  log: Logger;
  /** Open sessions, closed with 1001 on shutdown. */
  sockets: Set<WebSocket>;
}

/** Acks and trigger replies are small; a larger frame gets an error frame (the socket itself caps at 4 MB). */
export const MAX_CLIENT_FRAME_BYTES = 256 * 1024;
export const MAX_SOCKET_PAYLOAD_BYTES = 4 * 1024 * 1024;

/** Largest delay setTimeout accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Close code for an expired token; the client reconnects with a fresh one (PROTOCOL.md 9). */
export const TOKEN_EXPIRED_CLOSE = 4401;

/**
 * One consumer WebSocket: registers with the hub, turns frames into acks and trigger replies,
 * answers bad frames with an error frame (the connection stays), pings and drops a peer that misses
 * two pings, and closes with 4401 when the token it connected with expires.
 */
export function runWsSession(socket: WebSocket, tcp: Socket, appId: string, tokenExpiresAt: number, ctx: WsSessionContext): void {
  // Frames sent in one tick (a group of hooks just committed) leave in one write.
  const beforeWrite = batchWritesPerTick(tcp);
  const consumer: Consumer = {
    id: `${ctx.nodeId}:${randomBytes(8).toString('hex')}`,
    appId,
    inFlight: new Map(),
    send: (frame) => {
      beforeWrite();
      socket.send(frame);
    },
    isOpen: () => socket.readyState === socket.OPEN,
  };
  const log = ctx.log.child({ appId, consumer: consumer.id });
  ctx.sockets.add(socket);

  let missedPings = 0;
  let awaitingPong = false;
  const pinger = setInterval(() => {
    if (awaitingPong) missedPings += 1;
    if (missedPings >= 2) {
      log.warn('consumer missed two pings: dropped, its events are offered again');
      socket.terminate();
      return;
    }
    awaitingPong = true;
    socket.ping();
  }, ctx.pingIntervalMs);
  socket.on('pong', () => {
    awaitingPong = false;
    missedPings = 0;
  });

  const expiry = Number.isFinite(tokenExpiresAt)
    ? setTimeout(() => socket.close(TOKEN_EXPIRED_CLOSE, 'token expired'), Math.min(MAX_TIMER_MS, Math.max(0, tokenExpiresAt - ctx.now())))
    : undefined;

  socket.on('message', (data: Buffer, isBinary: boolean) => {
    if (data.length > MAX_CLIENT_FRAME_BYTES) {
      socket.send(errorFrame('frame_too_large', `Frames from consumers are at most ${MAX_CLIENT_FRAME_BYTES} bytes.`));
      return;
    }
    if (isBinary) {
      socket.send(errorFrame('invalid_frame', 'Binary frames are not accepted; send JSON text frames.'));
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString('utf8'));
    } catch {
      socket.send(errorFrame('invalid_json', 'The frame is not valid JSON.'));
      return;
    }
    const frame = RelayClientFrame.safeParse(parsed);
    if (!frame.success) {
      socket.send(errorFrame('invalid_frame', 'Expected {"type":"event_ack","id"} or {"type":"trigger_reply","id","status","body"}.'));
      return;
    }
    if (frame.data.type === 'event_ack') {
      // Duplicate and unknown acks are ignored, as the queue ignores them.
      ctx.hub.ack(consumer, frame.data.id);
      return;
    }
    if (!ctx.triggers.reply(consumer, frame.data)) {
      socket.send(errorFrame('unknown_trigger', 'No trigger of this connection waits under that id (answered already, or too late).', frame.data.id));
    }
  });

  socket.on('error', (error) => log.debug({ err: error }, 'consumer socket error'));
  socket.on('close', () => {
    clearInterval(pinger);
    clearTimeout(expiry);
    ctx.sockets.delete(socket);
    ctx.triggers.abandon(consumer);
    ctx.hub.detach(consumer).catch((error: unknown) => log.error({ err: error }, 'releasing a closed consumer’s events failed'));
  });

  ctx.hub.attach(consumer);
}
