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

/** One decoder for every frame: `fatal` makes bad UTF-8 an error; decoding without `stream` keeps no state. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(data: string | Uint8Array): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(typeof data === 'string' ? data : utf8.decode(data)) };
  } catch {
    return { ok: false, message: 'The frame is not valid UTF-8 JSON.' };
  }
}

function validate<T>(schema: z.ZodType<T>, value: unknown): SocketFrameResult<T> {
  const result = schema.safeParse(value);
  return result.success ? { ok: true, frame: result.data } : { ok: false, message: z.prettifyError(result.error) };
}

function parseFrame<T>(schema: z.ZodType<T>, data: string | Uint8Array): SocketFrameResult<T> {
  const parsed = parseJson(data);
  return parsed.ok ? validate(schema, parsed.value) : parsed;
}

/**
 * `{correlation_id, status}` and nothing else: the event ack our SDK sends for every event, the
 * hot path of socket mode. Checked by hand with the schema's own rules; anything richer goes to zod.
 */
function isPlainAck(value: unknown): value is SocketAppReply {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { correlation_id, status } = value as { correlation_id?: unknown; status?: unknown };
  return (
    Object.keys(value).length === 2 &&
    typeof correlation_id === 'string' &&
    correlation_id.length > 0 &&
    Number.isInteger(status) &&
    (status as number) >= 100 &&
    (status as number) <= 599
  );
}

/** Parses a reply frame from an app; a malformed frame is a result, never a throw. */
export function parseSocketAppReply(data: string | Uint8Array): SocketFrameResult<SocketAppReply> {
  const parsed = parseJson(data);
  if (!parsed.ok) return parsed;
  return isPlainAck(parsed.value) ? { ok: true, frame: parsed.value } : validate(SocketAppReply, parsed.value);
}

/** Parses a platform frame on the app side. */
export function parseSocketPlatformFrame(data: string | Uint8Array): SocketFrameResult<SocketPlatformFrame> {
  return parseFrame(SocketPlatformFrame, data);
}
