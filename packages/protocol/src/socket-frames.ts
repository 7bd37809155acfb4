import { z } from 'zod';
import { AppPayload } from './payloads.js';
import { MenuReply, ModalReply, ViewErrorsReply } from './replies.js';

/**
 * Socket mode frames (PROTOCOL.md 7). Field names are snake_case here, unlike the rest
 * of the protocol, because Pumble's socket mode uses them.
 */

/** `GET /apps/{appId}/websocket-connection?appKey=…` response. */
export const SocketConnectionResponse = z.object({ url: z.string() });
export type SocketConnectionResponse = z.infer<typeof SocketConnectionResponse>;

/** Platform → app text frame carrying a section 6.2 payload. */
export const SocketPlatformFrame = z.object({
  correlation_id: z.string().min(1),
  payload: AppPayload,
});
export type SocketPlatformFrame = z.infer<typeof SocketPlatformFrame>;

/**
 * App → platform binary frame answering a trigger (and, from our SDK, acking an event
 * with status 200). `status` plays the HTTP status's role: 2xx acks, anything else nacks.
 */
export const SocketAppReply = z.object({
  correlation_id: z.string().min(1),
  status: z.number().int().min(100).max(599),
  message: z.string().max(40_000).optional(),
  body: z.union([ModalReply, MenuReply, ViewErrorsReply]).optional(),
});
export type SocketAppReply = z.infer<typeof SocketAppReply>;

/** Keep-alive: the app sends the text `ping` this often; the platform answers `pong`. */
export const SOCKET_PING = 'ping';
export const SOCKET_PONG = 'pong';
export const SOCKET_PING_INTERVAL_MS = 25_000;

export type SocketFrameResult<T> = { ok: true; frame: T } | { ok: false; message: string };

function parseFrame<T>(schema: z.ZodType<T>, data: string | Uint8Array): SocketFrameResult<T> {
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    return { ok: false, message: 'The frame is not valid UTF-8 JSON.' };
  }
  const result = schema.safeParse(value);
  return result.success ? { ok: true, frame: result.data } : { ok: false, message: z.prettifyError(result.error) };
}

/** Parses a reply frame from an app; a malformed frame is a result, never a throw. */
export function parseSocketAppReply(data: string | Uint8Array): SocketFrameResult<SocketAppReply> {
  return parseFrame(SocketAppReply, data);
}

/** Parses a platform frame on the app side. */
export function parseSocketPlatformFrame(data: string | Uint8Array): SocketFrameResult<SocketPlatformFrame> {
  return parseFrame(SocketPlatformFrame, data);
}
