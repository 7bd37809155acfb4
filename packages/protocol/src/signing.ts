import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of the Pumble signing scheme (PROTOCOL.md 6.1). */
export const PUMBLE_TIMESTAMP_HEADER = 'x-pumble-request-timestamp';
export const PUMBLE_SIGNATURE_HEADER = 'x-pumble-request-signature';
/** Header of the Watson scheme (PROTOCOL.md 8). */
export const OUTBOUND_TOKEN_HEADER = 'x-outbound-token';
export const DELIVERY_ID_HEADER = 'x-switchboard-delivery-id';
export const RETRY_COUNT_HEADER = 'x-switchboard-retry-count';

type Bytes = string | Uint8Array;

function hmacHex(secret: Bytes, ...parts: Bytes[]): string {
  const mac = createHmac('sha256', secret);
  for (const part of parts) mac.update(part);
  return mac.digest('hex');
}

/** Pumble scheme: lowercase hex HMAC-SHA256(secret, `${timestamp}:${rawBody}`). */
export function signPumble(secret: Bytes, timestamp: string, rawBody: Bytes): string {
  return hmacHex(secret, timestamp, ':', rawBody);
}

/** Watson scheme: lowercase hex HMAC-SHA256(secret, rawBody), 64 chars. */
export function signOutbound(secret: Bytes, rawBody: Bytes): string {
  return hmacHex(secret, rawBody);
}

/** Constant-time comparison of two hex signatures; false on any length or format mismatch. */
export function hexSignaturesEqual(expected: string, received: string | undefined | null): boolean {
  if (typeof received !== 'string' || received.length !== expected.length) return false;
  if (!/^[0-9a-fA-F]+$/.test(received)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(received.toLowerCase(), 'hex'));
}

export type PumbleVerification = { ok: true } | { ok: false; code: 'invalid_signature' | 'stale_timestamp'; message: string };

export interface VerifyPumbleInput {
  secrets: readonly Bytes[];
  timestamp: string | undefined | null;
  signature: string | undefined | null;
  rawBody: Bytes;
  now?: number;
  toleranceMs?: number;
}

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
  for (const secret of input.secrets) {
    if (hexSignaturesEqual(signPumble(secret, timestamp, input.rawBody), signature)) return { ok: true };
  }
  return { ok: false, code: 'invalid_signature', message: 'The request signature does not match.' };
}

/** Verifies an `X-OUTBOUND-TOKEN` header against the raw body. */
export function verifyOutbound(secret: Bytes, rawBody: Bytes, token: string | undefined | null): boolean {
  return hexSignaturesEqual(signOutbound(secret, rawBody), token);
}
