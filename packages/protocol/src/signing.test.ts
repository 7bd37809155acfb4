import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEventBody } from './event-types.js';
import { AppPayload } from './payloads.js';
import { hexSignaturesEqual, signOutbound, signPumble, verifyOutbound, verifyPumble } from './signing.js';

interface SigningVectors {
  pumble: { secret: string; timestamp: string; body: string; signature: string }[];
  watson: {
    secret: string;
    verificationRequest: { body: string; xOutboundToken: string };
    verificationResponse: { body: string; xOutboundToken: string };
    event: { body: string; xOutboundToken: string };
  };
}

const vectors: SigningVectors = JSON.parse(readFileSync(new URL('../../../vectors/signing.json', import.meta.url), 'utf8'));
const watsonCases = Object.entries(vectors.watson).filter(([key]) => key !== 'secret') as [string, { body: string; xOutboundToken: string }][];

describe('Pumble scheme vectors', () => {
  it('has vectors', () => expect(vectors.pumble.length).toBeGreaterThanOrEqual(3));

  it.each(vectors.pumble)('signs timestamp $timestamp with "$secret"', ({ secret, timestamp, body, signature }) => {
    expect(signPumble(secret, timestamp, body)).toBe(signature);
    expect(signPumble(Buffer.from(secret), timestamp, Buffer.from(body, 'utf8'))).toBe(signature);
  });

  it.each(vectors.pumble)('verifies timestamp $timestamp', ({ secret, timestamp, body, signature }) => {
    expect(verifyPumble({ secrets: [secret], timestamp, signature, rawBody: body, now: Number(timestamp) })).toEqual({ ok: true });
    expect(verifyPumble({ secrets: [secret], timestamp, signature, rawBody: `${body} `, now: Number(timestamp) }).ok).toBe(false);
  });

  it('vector bodies are valid payloads', () => {
    for (const { body } of vectors.pumble.filter((v) => v.body !== '')) {
      const payload = AppPayload.parse(JSON.parse(body));
      if (payload.messageType === 'PUMBLE_EVENT') expect(parseEventBody(payload.eventType, payload.body).ok).toBe(true);
    }
  });
});

describe('Watson scheme vectors', () => {
  it.each(watsonCases)('%s', (_name, { body, xOutboundToken }) => {
    expect(signOutbound(vectors.watson.secret, body)).toBe(xOutboundToken);
    expect(xOutboundToken).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyOutbound(vectors.watson.secret, body, xOutboundToken)).toBe(true);
    expect(verifyOutbound(vectors.watson.secret, body, xOutboundToken.toUpperCase())).toBe(true);
    expect(verifyOutbound('wrong', body, xOutboundToken)).toBe(false);
    expect(verifyOutbound(vectors.watson.secret, `${body}\n`, xOutboundToken)).toBe(false);
    expect(verifyOutbound(vectors.watson.secret, body, undefined)).toBe(false);
  });
});

describe('verifyPumble', () => {
  const v = vectors.pumble[0]!;
  const now = Number(v.timestamp);
  const base = { secrets: [v.secret], timestamp: v.timestamp, signature: v.signature, rawBody: v.body, now };

  it('accepts up to five minutes of skew either way and refuses more as stale', () => {
    expect(verifyPumble({ ...base, now: now + 5 * 60_000 }).ok).toBe(true);
    expect(verifyPumble({ ...base, now: now - 5 * 60_000 }).ok).toBe(true);
    expect(verifyPumble({ ...base, now: now + 5 * 60_000 + 1 })).toMatchObject({ ok: false, code: 'stale_timestamp' });
    expect(verifyPumble({ ...base, now: now - 5 * 60_000 - 1 })).toMatchObject({ ok: false, code: 'stale_timestamp' });
  });

  it('honours a custom tolerance', () => {
    expect(verifyPumble({ ...base, now: now + 1001, toleranceMs: 1000 })).toMatchObject({ code: 'stale_timestamp' });
  });

  it('refuses a wrong secret', () => {
    expect(verifyPumble({ ...base, secrets: ['other'] })).toMatchObject({ ok: false, code: 'invalid_signature' });
    expect(verifyPumble({ ...base, secrets: [] })).toMatchObject({ ok: false, code: 'invalid_signature' });
  });

  it('refuses a signature over another timestamp', () => {
    const other = String(now + 1);
    expect(verifyPumble({ ...base, timestamp: other, now }).ok).toBe(false);
  });

  it('refuses non-hex and wrongly sized signatures without throwing', () => {
    expect(verifyPumble({ ...base, signature: 'z'.repeat(64) }).ok).toBe(false);
    expect(verifyPumble({ ...base, signature: `${v.signature.slice(0, 62)}g0` }).ok).toBe(false);
    expect(verifyPumble({ ...base, signature: v.signature.slice(0, 63) }).ok).toBe(false);
    expect(verifyPumble({ ...base, signature: `${v.signature}00` }).ok).toBe(false);
    expect(verifyPumble({ ...base, signature: `sha256=${v.signature}` }).ok).toBe(false);
  });

  it('accepts uppercase hex', () => {
    expect(verifyPumble({ ...base, signature: v.signature.toUpperCase() }).ok).toBe(true);
  });

  it('accepts either secret during a rotation grace period', () => {
    const oldSecret = v.secret;
    const newSecret = 'rotated-secret';
    const newSignature = signPumble(newSecret, v.timestamp, v.body);
    expect(verifyPumble({ ...base, secrets: [newSecret, oldSecret] }).ok).toBe(true);
    expect(verifyPumble({ ...base, secrets: [newSecret, oldSecret], signature: newSignature }).ok).toBe(true);
    expect(verifyPumble({ ...base, secrets: [newSecret], signature: v.signature }).ok).toBe(false);
  });

  it("matches the platform's previous-secret signature against any secret, and only a valid one", () => {
    const newSignature = signPumble('rotated-secret', v.timestamp, v.body);
    // The platform signs with the new secret and, as previousSignature, the old one this app still holds.
    expect(verifyPumble({ ...base, signature: newSignature, previousSignature: v.signature }).ok).toBe(true);
    expect(verifyPumble({ ...base, signature: newSignature, previousSignature: newSignature })).toMatchObject({ code: 'invalid_signature' });
    expect(verifyPumble({ ...base, signature: 'x', previousSignature: v.signature.toUpperCase() }).ok).toBe(true);
    expect(verifyPumble({ ...base, signature: newSignature, previousSignature: `${v.signature.slice(0, 62)}zz` }).ok).toBe(false);
  });

  it('refuses missing headers and timestamps that are not epoch milliseconds', () => {
    expect(verifyPumble({ ...base, signature: undefined })).toMatchObject({ code: 'invalid_signature' });
    expect(verifyPumble({ ...base, timestamp: null })).toMatchObject({ code: 'invalid_signature' });
    expect(verifyPumble({ ...base, timestamp: '' })).toMatchObject({ code: 'invalid_signature' });
    for (const timestamp of ['1.7e12', '-1', ' 1763900000000', '0x1', '99999999999999999']) {
      expect(verifyPumble({ ...base, timestamp, signature: signPumble(v.secret, timestamp, v.body) })).toMatchObject({ ok: false });
    }
  });

  it('treats string and byte bodies alike, including non-ASCII', () => {
    const p = vectors.pumble[1]!;
    expect(
      verifyPumble({ secrets: [p.secret], timestamp: p.timestamp, signature: p.signature, rawBody: new TextEncoder().encode(p.body), now: Number(p.timestamp) })
        .ok,
    ).toBe(true);
  });
});

describe('hexSignaturesEqual', () => {
  it('compares case-insensitively and refuses anything else', () => {
    expect(hexSignaturesEqual('ab01', 'AB01')).toBe(true);
    expect(hexSignaturesEqual('ab01', 'ab02')).toBe(false);
    expect(hexSignaturesEqual('ab01', 'ab0')).toBe(false);
    expect(hexSignaturesEqual('ab01', null)).toBe(false);
    expect(hexSignaturesEqual('ab01', 'ab0x')).toBe(false);
    expect(hexSignaturesEqual('', '')).toBe(false);
  });
});
