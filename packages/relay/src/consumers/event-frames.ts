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

/** The seed's `{"type":"event","id","data"}`, plus our `headers`, `raw` and `receivedAt`. */
export function eventFrame(event: StoredEvent): string {
  const frame: RelayEventFrame = {
    type: 'event',
    id: event.id,
    ...bodyFields(event.body, event.headers),
    headers: event.headers,
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
