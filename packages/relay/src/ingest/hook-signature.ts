import type { KeyObject } from 'node:crypto';
import { OUTBOUND_TOKEN_HEADER, PUMBLE_SIGNATURE_HEADER, PUMBLE_TIMESTAMP_HEADER, verifyOutbound, verifyPumble } from '@switchboard/protocol';

/** Ours (PROTOCOL.md 6.1): during a secret rotation the platform also signs with the old secret. */
const PREVIOUS_SIGNATURE_HEADER = 'x-switchboard-signature-previous';

export type HookSignature =
  | { ok: true; scheme: 'watson'; secret: KeyObject }
  | { ok: true; scheme: 'pumble' }
  | { ok: false; code: 'invalid_signature' | 'stale_timestamp'; message: string };

type Headers = Record<string, string | string[] | undefined>;

function one(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : value?.[0];
}

/**
 * Checks a hook against the app's registered secrets, in the scheme its headers name: Watson
 * (`X-OUTBOUND-TOKEN` = hex HMAC of the raw body) or Pumble (`timestamp:body`, stale timestamps
 * refused). Comparisons are constant-time (protocol/signing.ts). The Watson result names the
 * secret that matched, which signs the answer to a verification challenge.
 */
export function checkHookSignature(headers: Headers, body: Buffer, secrets: readonly KeyObject[], now: number, toleranceMs: number): HookSignature {
  const token = one(headers, OUTBOUND_TOKEN_HEADER);
  if (token !== undefined) {
    const secret = secrets.find((candidate) => verifyOutbound(candidate, body, token));
    return secret === undefined
      ? { ok: false, code: 'invalid_signature', message: 'The X-OUTBOUND-TOKEN does not match the body.' }
      : { ok: true, scheme: 'watson', secret };
  }
  const timestamp = one(headers, PUMBLE_TIMESTAMP_HEADER);
  const signature = one(headers, PUMBLE_SIGNATURE_HEADER);
  if (timestamp === undefined && signature === undefined) {
    return { ok: false, code: 'invalid_signature', message: 'The hook carries no signature (X-OUTBOUND-TOKEN or x-pumble-request-signature).' };
  }
  const result = verifyPumble({
    secrets,
    timestamp,
    signature,
    previousSignature: one(headers, PREVIOUS_SIGNATURE_HEADER),
    rawBody: body,
    now,
    toleranceMs,
  });
  return result.ok ? { ok: true, scheme: 'pumble' } : result;
}
