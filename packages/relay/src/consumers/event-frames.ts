import { isUtf8 } from 'node:buffer';
import type { RelayEventFrame, RelayTriggerFrame } from '@switchboard/protocol';
import type { StoredEvent } from '../store/events-store.js';

interface BodyFields {
  data: unknown;
  raw: string;
  rawEncoding?: 'base64';
}

/**
 * A body as frame fields: `raw` is the exact bytes (text, or base64 when not UTF-8) so the app can
 * check the platform's signature; `data` is the parsed JSON when the body is JSON, else the text.
 */
export function bodyFields(body: Buffer, headers: Record<string, string>): BodyFields {
  if (!isUtf8(body)) {
    const raw = body.toString('base64');
    return { data: raw, raw, rawEncoding: 'base64' };
  }
  const raw = body.toString('utf8');
  const contentType = headers['content-type'] ?? '';
  if (contentType.includes('json') || /^\s*[[{]/.test(raw)) {
    try {
      return { data: JSON.parse(raw), raw };
    } catch {
      // Not JSON after all: handed out as text, the bytes untouched.
    }
  }
  return { data: raw, raw };
}

/** Whether `text` is one JSON value (then it is spliced into a frame as it is, not parsed and re-serialised). */
function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The seed's `{"type":"event","id","data"}`, plus our `headers`, `raw` and `receivedAt`. */
export function eventFrame(event: StoredEvent): string {
  const { body, headers } = event;
  if (isUtf8(body)) {
    const raw = body.toString('utf8');
    const contentType = headers['content-type'] ?? '';
    if ((contentType.includes('json') || /^\s*[[{]/.test(raw)) && isJsonText(raw)) {
      // The hot path: the same frame as below, with the body's JSON text as `data`.
      return `{"type":"event","id":${JSON.stringify(event.id)},"data":${raw},"raw":${JSON.stringify(raw)},"headers":${JSON.stringify(headers)},"receivedAt":${event.receivedAt}}`;
    }
  }
  const frame: RelayEventFrame = {
    type: 'event',
    id: event.id,
    ...bodyFields(body, headers),
    headers,
    receivedAt: event.receivedAt,
  };
  return JSON.stringify(frame);
}

export function triggerFrame(id: string, body: Buffer, headers: Record<string, string>): string {
  const frame: RelayTriggerFrame = { type: 'trigger', id, ...bodyFields(body, headers), headers };
  return JSON.stringify(frame);
}

export function errorFrame(code: string, message: string, id?: string): string {
  return JSON.stringify(id === undefined ? { type: 'error', code, message } : { type: 'error', code, message, id });
}
