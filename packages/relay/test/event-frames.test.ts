import { describe, expect, it } from 'vitest';
import { eventFrame } from '../src/consumers/event-frames.js';
import type { StoredEvent } from '../src/store/events-store.js';

function stored(body: Buffer, contentType: string): StoredEvent {
  return {
    seq: 1,
    id: 'evt_1',
    appId: 'app',
    state: 'queued',
    receivedAt: 1_700_000_000_000,
    ackedAt: null,
    body,
    headers: { 'content-type': contentType, 'x-outbound-token': 'ab' },
    deliveryId: null,
    outboundIndex: null,
    attempts: 1,
  };
}

describe('eventFrame', () => {
  it('hands a JSON body out as data, with its exact bytes as raw', () => {
    const raw = ' {"type":"message-created", "n": 1.50, "s":"caf\u00e9 \\u2028"}\n';
    const frame = JSON.parse(eventFrame(stored(Buffer.from(raw), 'application/json')));
    expect(frame).toEqual({
      type: 'event',
      id: 'evt_1',
      data: JSON.parse(raw),
      raw,
      headers: { 'content-type': 'application/json', 'x-outbound-token': 'ab' },
      receivedAt: 1_700_000_000_000,
    });
  });

  it('hands out text that only looks like JSON, or is form-encoded, as text', () => {
    for (const [raw, type] of [
      ['{"broken":', 'application/json'],
      ['a=1&b=%7B', 'application/x-www-form-urlencoded'],
      ['[1,2', 'text/plain'],
    ]) {
      const frame = JSON.parse(eventFrame(stored(Buffer.from(raw), type)));
      expect(frame.data).toBe(raw);
      expect(frame.raw).toBe(raw);
      expect(frame.rawEncoding).toBeUndefined();
    }
  });

  it('hands out bytes that are not UTF-8 as base64', () => {
    const body = Buffer.from([0xff, 0xfe, 0x00, 0x7b]);
    const frame = JSON.parse(eventFrame(stored(body, 'application/octet-stream')));
    expect(frame).toMatchObject({ data: body.toString('base64'), raw: body.toString('base64'), rawEncoding: 'base64' });
  });
});
