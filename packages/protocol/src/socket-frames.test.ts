import { describe, expect, it } from 'vitest';
import { parseSocketAppReply } from './socket-frames.js';

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('parseSocketAppReply', () => {
  it('accepts the plain event ack (the hot path) from text and from bytes', () => {
    expect(parseSocketAppReply(bytes({ correlation_id: 'c1', status: 200 }))).toEqual({ ok: true, frame: { correlation_id: 'c1', status: 200 } });
    expect(parseSocketAppReply('{"correlation_id":"c2","status":503}')).toEqual({ ok: true, frame: { correlation_id: 'c2', status: 503 } });
  });

  it('holds a two-field frame to the schema rules: correlation id non-empty, status an integer in 100..599', () => {
    for (const bad of [
      { correlation_id: '', status: 200 },
      { correlation_id: 'c', status: 99 },
      { correlation_id: 'c', status: 600 },
      { correlation_id: 'c', status: 200.5 },
      { correlation_id: 'c', status: '200' },
      { correlation_id: 7, status: 200 },
      { correlation_id: 'c', message: 'no status' },
    ])
      expect(parseSocketAppReply(bytes(bad)).ok, JSON.stringify(bad)).toBe(false);
  });

  it('validates richer replies with the schema (message, modal body), rejects bad JSON and bad UTF-8', () => {
    expect(parseSocketAppReply(bytes({ correlation_id: 'c', status: 200, message: 'hi' }))).toEqual({
      ok: true,
      frame: { correlation_id: 'c', status: 200, message: 'hi' },
    });
    expect(parseSocketAppReply(bytes({ correlation_id: 'c', status: 200, message: 5 })).ok).toBe(false);
    expect(parseSocketAppReply(bytes([1, 2])).ok).toBe(false);
    expect(parseSocketAppReply('{not json').ok).toBe(false);
    expect(parseSocketAppReply(new Uint8Array([0x7b, 0xff, 0x7d]))).toEqual({ ok: false, message: 'The frame is not valid UTF-8 JSON.' });
  });
});
