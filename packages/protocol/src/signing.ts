import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';

/** Header names of the Pumble signing scheme (PROTOCOL.md 6.1). */
export const PUMBLE_TIMESTAMP_HEADER = 'x-pumble-request-timestamp';
export const PUMBLE_SIGNATURE_HEADER = 'x-pumble-request-signature';
/** Header of the Watson scheme (PROTOCOL.md 8). */
export const OUTBOUND_TOKEN_HEADER = 'x-outbound-token';
export const DELIVERY_ID_HEADER = 'x-switchboard-delivery-id';
export const RETRY_COUNT_HEADER = 'x-switchboard-retry-count';

type Bytes = string | Uint8Array;
/** A secret as bytes, or as a KeyObject made once (`createSecretKey`): cheaper on a hot path. */
export type SigningSecret = Bytes | KeyObject;

/** Bytes of an HMAC-SHA256 digest; a hex signature is twice as many characters. */
const DIGEST_BYTES = 32;

function pumbleDigest(secret: SigningSecret, timestamp: string, rawBody: Bytes): Buffer {
  return createHmac('sha256', secret).update(timestamp).update(':').update(rawBody).digest();
}

function outboundDigest(secret: SigningSecret, rawBody: Bytes): Buffer {
  return createHmac('sha256', secret).update(rawBody).digest();
}

/** Pumble scheme: lowercase hex HMAC-SHA256(secret, `${timestamp}:${rawBody}`). */
export function signPumble(secret: SigningSecret, timestamp: string, rawBody: Bytes): string {
  return pumbleDigest(secret, timestamp, rawBody).toString('hex');
}

/** Watson scheme: lowercase hex HMAC-SHA256(secret, rawBody), 64 chars. */
export function signOutbound(secret: SigningSecret, rawBody: Bytes): string {
  return outboundDigest(secret, rawBody).toString('hex');
}

/**
 * The bytes of a hex string of exactly `bytes` bytes (either case), else undefined. Node's hex
 * decoder stops at the first pair that is not hex, so a short result means a malformed input.
 */
function decodeHex(hex: string | undefined | null, bytes: number): Buffer | undefined {
  if (typeof hex !== 'string' || hex.length !== bytes * 2) return undefined;
  const decoded = Buffer.from(hex, 'hex');
  return decoded.length === bytes ? decoded : undefined;
}

/** Constant-time comparison of two hex signatures; false on any length or format mismatch. */
export function hexSignaturesEqual(expected: string, received: string | undefined | null): boolean {
  if (expected.length === 0) return false;
  const want = decodeHex(expected, expected.length / 2);
  const got = decodeHex(received, expected.length / 2);
  return want !== undefined && got !== undefined && timingSafeEqual(want, got);
}

export type PumbleVerification = { ok: true } | { ok: false; code: 'invalid_signature' | 'stale_timestamp'; message: string };

export interface VerifyPumbleInput {
  secrets: readonly SigningSecret[];
  timestamp: string | undefined | null;
  signature: string | undefined | null;
  /**
   * Ours: `x-switchboard-signature-previous`, sent during a secret rotation grace period
   * (PROTOCOL.md 6.1). Either signature may match any of `secrets`.
   */
  previousSignature?: string | undefined | null;
  rawBody: Bytes;
  now?: number;
  toleranceMs?: number;
}

const VERIFIED: PumbleVerification = Object.freeze({ ok: true });

/**
 * Verifies a Pumble-signed request against any of `secrets` (more than one during a
 * secret rotation grace period) and rejects timestamps outside the tolerance window.
 */
export function verifyPumble(input: VerifyPumbleInput): PumbleVerification {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) {
    return { ok: false, code: 'invalid_signature', message: 'The request is missing its signature headers.' };
  }
  const sentAt = Number(timestamp);
  if (!/^\d{1,16}$/.test(timestamp) || !Number.isSafeInteger(sentAt)) {
    return { ok: false, code: 'invalid_signature', message: 'The signature timestamp is not epoch milliseconds.' };
  }
  const tolerance = input.toleranceMs ?? 5 * 60_000;
  if (Math.abs((input.now ?? Date.now()) - sentAt) > tolerance) {
    return { ok: false, code: 'stale_timestamp', message: 'The signature timestamp is outside the accepted window.' };
  }
  // Each secret's HMAC is computed once and compared, as bytes, with both signatures sent.
  const given = decodeHex(signature, DIGEST_BYTES);
  const previous = decodeHex(input.previousSignature, DIGEST_BYTES);
  if (given !== undefined || previous !== undefined) {
    for (const secret of input.secrets) {
      const digest = pumbleDigest(secret, timestamp, input.rawBody);
      if ((given !== undefined && timingSafeEqual(digest, given)) || (previous !== undefined && timingSafeEqual(digest, previous))) return VERIFIED;
    }
  }
  return { ok: false, code: 'invalid_signature', message: 'The request signature does not match.' };
}

/** Verifies an `X-OUTBOUND-TOKEN` header against the raw body. */
export function verifyOutbound(secret: SigningSecret, rawBody: Bytes, token: string | undefined | null): boolean {
  const given = decodeHex(token, DIGEST_BYTES);
  return given !== undefined && timingSafeEqual(outboundDigest(secret, rawBody), given);
}
