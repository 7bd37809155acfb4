import { signOutbound, signPumble } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { answerVerificationChallenge, createVerifier, isVerificationChallenge, PREVIOUS_SIGNATURE_HEADER, type VerifyResult } from './verify.js';

const SECRET = 'signing-secret';
const NOW = 1_750_000_000_000;
const encode = (text: string) => new TextEncoder().encode(text);
const body = JSON.stringify({ messageType: 'SLASH_COMMAND', slashCommand: '/echo', text: 'hi' });

function pumbleHeaders(raw: string, options: { secret?: string; timestamp?: number } = {}): Record<string, string> {
  const timestamp = String(options.timestamp ?? NOW);
  return {
    'x-pumble-request-timestamp': timestamp,
    'x-pumble-request-signature': signPumble(options.secret ?? SECRET, timestamp, raw),
  };
}

function failure(result: VerifyResult) {
  if (result.ok) throw new Error('expected a failure');
  return { status: result.status, code: result.code };
}

describe('createVerifier (pumble)', () => {
  const verify = createVerifier({ scheme: 'pumble', signingSecret: SECRET, now: () => NOW });

  it('accepts a correctly signed request and returns the parsed payload and delivery metadata', () => {
    const result = verify({
      headers: { ...pumbleHeaders(body), 'x-switchboard-delivery-id': 'd-1', 'x-switchboard-retry-count': '2' },
      rawBody: encode(body),
    });
    expect(result).toEqual({ ok: true, scheme: 'pumble', payload: JSON.parse(body), deliveryId: 'd-1', retryCount: 2 });
  });

  it('reads a Fetch Headers object too', () => {
    const result = verify({ headers: new Headers(pumbleHeaders(body)), rawBody: encode(body) });
    expect(result.ok).toBe(true);
  });

  it('refuses a missing signature with 401 and a wrong one with 403', () => {
    expect(failure(verify({ headers: {}, rawBody: encode(body) }))).toEqual({ status: 401, code: 'invalid_signature' });
    const { 'x-pumble-request-timestamp': ts } = pumbleHeaders(body);
    expect(failure(verify({ headers: { 'x-pumble-request-timestamp': ts }, rawBody: encode(body) }))).toEqual({ status: 401, code: 'invalid_signature' });
    expect(failure(verify({ headers: pumbleHeaders(body, { secret: 'other' }), rawBody: encode(body) }))).toEqual({ status: 403, code: 'invalid_signature' });
  });

  it('refuses a body changed after signing', () => {
    expect(failure(verify({ headers: pumbleHeaders(body), rawBody: encode(body.replace('hi', 'ho')) }))).toEqual({ status: 403, code: 'invalid_signature' });
  });

  it('refuses timestamps outside the window with 401 stale_timestamp, either direction', () => {
    for (const offset of [-5 * 60_000 - 1, 5 * 60_000 + 1]) {
      const headers = pumbleHeaders(body, { timestamp: NOW + offset });
      expect(failure(verify({ headers, rawBody: encode(body) }))).toEqual({ status: 401, code: 'stale_timestamp' });
    }
    expect(verify({ headers: pumbleHeaders(body, { timestamp: NOW - 5 * 60_000 }), rawBody: encode(body) }).ok).toBe(true);
  });

  it('honours a configured window', () => {
    const strict = createVerifier({ scheme: 'pumble', signingSecret: SECRET, now: () => NOW, toleranceMs: 1000 });
    expect(failure(strict({ headers: pumbleHeaders(body, { timestamp: NOW - 1001 }), rawBody: encode(body) })).code).toBe('stale_timestamp');
  });

  it('answers bad JSON with 400 invalid_json only after the signature checked out', () => {
    for (const raw of ['{not json', '', '[1,2]', '"text"']) {
      expect(failure(verify({ headers: pumbleHeaders(raw), rawBody: encode(raw) }))).toEqual({ status: 400, code: 'invalid_json' });
    }
    expect(failure(verify({ headers: {}, rawBody: encode('{not json') })).status).toBe(401);
    const invalidUtf8 = new Uint8Array([0x7b, 0xff, 0x7d]);
    const ts = String(NOW);
    const headers = { 'x-pumble-request-timestamp': ts, 'x-pumble-request-signature': signPumble(SECRET, ts, invalidUtf8) };
    expect(failure(verify({ headers, rawBody: invalidUtf8 }))).toEqual({ status: 400, code: 'invalid_json' });
  });

  it('keeps a payload field named ok intact', () => {
    const raw = JSON.stringify({ ok: false, messageType: 'X' });
    const result = verify({ headers: pumbleHeaders(raw), rawBody: encode(raw) });
    expect(result).toMatchObject({ ok: true, payload: { ok: false, messageType: 'X' } });
  });

  it('refuses bodies over the limit with 413 before checking anything else', () => {
    const big = encode(`{"t":"${'x'.repeat(1024 * 1024)}"}`);
    expect(failure(verify({ headers: {}, rawBody: big }))).toEqual({ status: 413, code: 'payload_too_large' });
    const small = createVerifier({ scheme: 'pumble', signingSecret: SECRET, now: () => NOW, maxBodyBytes: 10 });
    expect(failure(small({ headers: pumbleHeaders(body), rawBody: encode(body) })).status).toBe(413);
    const exact = createVerifier({ scheme: 'pumble', signingSecret: SECRET, now: () => NOW, maxBodyBytes: encode(body).byteLength });
    expect(exact({ headers: pumbleHeaders(body), rawBody: encode(body) }).ok).toBe(true);
  });

  it('accepts any of several configured secrets and the platform’s previous-secret signature', () => {
    const rolling = createVerifier({ scheme: 'pumble', signingSecret: ['new', SECRET], now: () => NOW });
    expect(rolling({ headers: pumbleHeaders(body), rawBody: encode(body) }).ok).toBe(true);
    const primary = pumbleHeaders(body, { secret: 'rotated-new' });
    const previous = pumbleHeaders(body)['x-pumble-request-signature'];
    expect(verify({ headers: { ...primary, [PREVIOUS_SIGNATURE_HEADER]: previous }, rawBody: encode(body) }).ok).toBe(true);
    expect(failure(verify({ headers: { ...primary, [PREVIOUS_SIGNATURE_HEADER]: 'ab'.repeat(32) }, rawBody: encode(body) })).status).toBe(403);
  });

  it('never throws, even on hostile header shapes', () => {
    const headers = { 'x-pumble-request-timestamp': [String(NOW), '2'], 'x-pumble-request-signature': 'zz' };
    expect(failure(verify({ headers, rawBody: encode(body) })).code).toBe('invalid_signature');
    expect(failure(verify({ headers: { 'x-pumble-request-timestamp': 'soon', 'x-pumble-request-signature': 'ab' }, rawBody: encode(body) })).status).toBe(403);
  });

  it('fails loudly at construction without a secret', () => {
    expect(() => createVerifier({ scheme: 'pumble', signingSecret: '' })).toThrow(/signingSecret/);
    expect(() => createVerifier({ scheme: 'pumble', signingSecret: [] })).toThrow(/signingSecret/);
    expect(() => createVerifier({ scheme: 'watson', webhookSecret: undefined as unknown as string })).toThrow(/webhookSecret/);
  });
});

describe('createVerifier (watson)', () => {
  const WEBHOOK_SECRET = 'webhook-secret';
  const verify = createVerifier({ scheme: 'watson', webhookSecret: WEBHOOK_SECRET });
  const event = JSON.stringify({ type: 'message-created', content: 'hello' });

  it('accepts a body signed with X-OUTBOUND-TOKEN (any header casing)', () => {
    const result = verify({ headers: { 'X-OUTBOUND-TOKEN': signOutbound(WEBHOOK_SECRET, event), 'X-OUTBOUND-RETRY-COUNT': '1' }, rawBody: encode(event) });
    expect(result).toMatchObject({ ok: true, scheme: 'watson', payload: { type: 'message-created' }, retryCount: 1 });
  });

  it('refuses missing (401) and wrong (403) tokens', () => {
    expect(failure(verify({ headers: {}, rawBody: encode(event) }))).toEqual({ status: 401, code: 'invalid_signature' });
    const wrong = signOutbound('other', event);
    expect(failure(verify({ headers: { 'x-outbound-token': wrong }, rawBody: encode(event) }))).toEqual({ status: 403, code: 'invalid_signature' });
  });

  it('answers the verification challenge with a body signed exactly as sent', () => {
    const challengeBody = JSON.stringify({ type: 'verification', challenge: 'c-123' });
    const result = verify({ headers: { 'x-outbound-token': signOutbound(WEBHOOK_SECRET, challengeBody) }, rawBody: encode(challengeBody) });
    if (!result.ok || !isVerificationChallenge(result.payload)) throw new Error('expected a challenge');
    const reply = answerVerificationChallenge(WEBHOOK_SECRET, result.payload.challenge);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ response: 'c-123' });
    expect(reply.headers['x-outbound-token']).toMatch(/^[0-9a-f]{64}$/);
    expect(reply.headers['x-outbound-token']).toBe(signOutbound(WEBHOOK_SECRET, reply.body));
  });

  it('does not mistake events for challenges', () => {
    expect(isVerificationChallenge({ type: 'message-created' })).toBe(false);
    expect(isVerificationChallenge({ type: 'verification', challenge: 5 })).toBe(false);
  });
});
