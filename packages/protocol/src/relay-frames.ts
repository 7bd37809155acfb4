import { z } from 'zod';

/**
 * WebSocket frames between the relay and an app (PROTOCOL.md 9). `event` / `event_ack` are
 * seed 004's, exactly; `trigger` / `trigger_reply` / `error` and the extra fields of an event
 * (`headers`, `raw`, `receivedAt`) are ours.
 */

/** The original request headers a frame carries (signature headers, delivery id, content type…). */
export const RelayHeaders = z.record(z.string(), z.string());
export type RelayHeaders = z.infer<typeof RelayHeaders>;

const frameId = z.string().min(1).max(128);

/**
 * The body exactly as the platform sent it: UTF-8 text, or base64 when `rawEncoding` says so
 * (a body that is not valid UTF-8). Signatures are checked over these bytes.
 */
const rawFields = {
  raw: z.string(),
  rawEncoding: z.literal('base64').optional(),
};

/** Relay → app: one stored event. `data` is the parsed body when JSON, else the body as text. */
export const RelayEventFrame = z.object({
  type: z.literal('event'),
  id: frameId,
  data: z.unknown(),
  headers: RelayHeaders,
  receivedAt: z.number(),
  ...rawFields,
});
export type RelayEventFrame = z.infer<typeof RelayEventFrame>;

/** Relay → app: a Pumble trigger that needs a `trigger_reply` within the relay's deadline. */
export const RelayTriggerFrame = z.object({
  type: z.literal('trigger'),
  id: frameId,
  data: z.unknown(),
  headers: RelayHeaders,
  ...rawFields,
});
export type RelayTriggerFrame = z.infer<typeof RelayTriggerFrame>;

/** Relay → app: a frame the relay could not accept; the connection stays up. */
export const RelayErrorFrame = z.object({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
  id: z.string().optional(),
});
export type RelayErrorFrame = z.infer<typeof RelayErrorFrame>;

export const RelayServerFrame = z.discriminatedUnion('type', [RelayEventFrame, RelayTriggerFrame, RelayErrorFrame]);
export type RelayServerFrame = z.infer<typeof RelayServerFrame>;

/** App → relay: the event was handled; it leaves the queue. */
export const RelayEventAck = z.object({ type: z.literal('event_ack'), id: frameId });
export type RelayEventAck = z.infer<typeof RelayEventAck>;

/** App → relay: the answer to a trigger; the relay answers the platform with this status and body. */
export const RelayTriggerReply = z.object({
  type: z.literal('trigger_reply'),
  id: frameId,
  status: z.number().int().min(100).max(599),
  body: z.unknown().optional(),
});
export type RelayTriggerReply = z.infer<typeof RelayTriggerReply>;

export const RelayClientFrame = z.discriminatedUnion('type', [RelayEventAck, RelayTriggerReply]);
export type RelayClientFrame = z.infer<typeof RelayClientFrame>;

/** The relay pings every connection this often; a peer that misses two pings is gone. */
export const RELAY_PING_INTERVAL_MS = 20_000;
/** How long the relay waits for a `trigger_reply` (the platform gives up at 3 s). */
export const RELAY_TRIGGER_DEADLINE_MS = 2_500;

/** Pumble payload types that need an answer (PROTOCOL.md 6.3), as opposed to events, which are stored. */
export const TRIGGER_MESSAGE_TYPES: ReadonlySet<string> = new Set(['SLASH_COMMAND', 'SHORTCUT', 'BLOCK_INTERACTION', 'VIEW_ACTION', 'DYNAMIC_MENU']);

/** The body bytes of a frame's `raw` field. */
export function relayFrameBody(frame: { raw: string; rawEncoding?: 'base64' }): Buffer {
  return Buffer.from(frame.raw, frame.rawEncoding === 'base64' ? 'base64' : 'utf8');
}
