import { randomBytes } from 'node:crypto';
import { OUTBOUND_TOKEN_HEADER, signOutbound, verifyOutbound } from '@switchboard/protocol';
import { request } from 'undici';
import { guardedAgent, isForbiddenTarget, OutboundPolicy } from '../outbound/index.js';

/** Seed 003: the receiver answers the challenge within the same 3 s as an event. */
export const VERIFICATION_DEADLINE_MS = 3_000;
/** Verification answers are tiny; anything larger is read no further. */
const MAX_ANSWER_BYTES = 16 * 1024;

export type VerificationFailure =
  | 'target_forbidden'
  | 'unreachable'
  | 'bad_status'
  | 'missing_token'
  | 'malformed_token'
  | 'invalid_token'
  | 'invalid_body'
  | 'wrong_challenge';

export type VerificationResult = { ok: true } | { ok: false; reason: VerificationFailure; message: string };

const fail = (reason: VerificationFailure, message: string): VerificationResult => ({ ok: false, reason, message });

/**
 * The Watson verification handshake (seed 003): POST `{"type":"verification","challenge":…}`
 * signed with X-OUTBOUND-TOKEN; the receiver must answer 200 with `{"response": <challenge>}`
 * and an X-OUTBOUND-TOKEN over its raw answer body (64 hex chars). Never follows redirects; the
 * connection is checked against the outbound policy like every delivery.
 */
export async function verifyEndpoint(
  url: string,
  secret: string,
  { deadlineMs = VERIFICATION_DEADLINE_MS, outbound = OutboundPolicy.strict }: { deadlineMs?: number; outbound?: OutboundPolicy } = {},
): Promise<VerificationResult> {
  const challenge = randomBytes(16).toString('hex');
  const body = JSON.stringify({ type: 'verification', challenge });
  // A pool per handshake: verifications are rare, and nothing stays open afterwards.
  const agent = guardedAgent(outbound, { pipelining: 0 });
  let status: number;
  let token: string | string[] | undefined;
  let raw: string;
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', [OUTBOUND_TOKEN_HEADER]: signOutbound(secret, body) },
      body,
      dispatcher: agent,
      headersTimeout: deadlineMs,
      bodyTimeout: deadlineMs,
      signal: AbortSignal.timeout(deadlineMs),
    });
    status = response.statusCode;
    token = response.headers[OUTBOUND_TOKEN_HEADER];
    raw = await readLimited(response.body);
  } catch (error) {
    if (isForbiddenTarget(error)) return fail('target_forbidden', `The webhook URL is not allowed as a delivery target: ${error.message}`);
    const code = (error as { code?: string; name?: string }).code ?? (error as Error).name;
    return fail('unreachable', `The webhook URL could not be reached within ${deadlineMs / 1000} s (${code ?? 'error'}).`);
  } finally {
    void agent.destroy().catch(() => {});
  }
  if (status !== 200) return fail('bad_status', `The webhook answered the verification with HTTP ${status}; it must answer 200.`);
  if (typeof token !== 'string' || token === '') return fail('missing_token', 'The verification answer has no X-OUTBOUND-TOKEN header.');
  if (!/^[0-9a-fA-F]{64}$/.test(token)) {
    return fail('malformed_token', 'The X-OUTBOUND-TOKEN header of the answer must be 64 hex characters (HMAC-SHA256, leading zeros kept).');
  }
  if (!verifyOutbound(secret, raw, token)) {
    return fail('invalid_token', 'The X-OUTBOUND-TOKEN of the answer is not the HMAC-SHA256 of its raw body under the webhook secret.');
  }
  let answer: unknown;
  try {
    answer = JSON.parse(raw);
  } catch {
    return fail('invalid_body', 'The verification answer is not JSON; it must be {"response": "<challenge>"}.');
  }
  if (typeof answer !== 'object' || answer === null || (answer as { response?: unknown }).response !== challenge) {
    return fail('wrong_challenge', 'The verification answer\'s "response" does not equal the challenge that was sent.');
  }
  return { ok: true };
}

async function readLimited(body: AsyncIterable<Buffer | Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) break;
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}
