import { isUtf8 } from 'node:buffer';
import {
  DELIVERY_ID_HEADER,
  OUTBOUND_TOKEN_HEADER,
  PUMBLE_SIGNATURE_HEADER,
  PUMBLE_TIMESTAMP_HEADER,
  RETRY_COUNT_HEADER,
  signOutbound,
  verifyOutbound,
  verifyPumble,
} from '@switchboard/protocol';
import { type HeaderBag, headerValue, type RequestView } from './request-view.js';

/**
 * The one place where every receiver (HTTP, socket relay, serverless) checks that a delivery
 * really comes from the platform and is well-formed. Receivers map the result to a response;
 * nothing here throws, so a hostile request can never crash a receiver.
 */

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_TIMESTAMP_TOLERANCE_MS = 5 * 60_000;
/** Ours: during a secret rotation the platform also signs with the old secret (PROTOCOL.md 6.1). */
export const PREVIOUS_SIGNATURE_HEADER = 'x-switchboard-signature-previous';
const OUTBOUND_RETRY_COUNT_HEADER = 'x-outbound-retry-count';

export type JsonObject = { [key: string]: unknown };

interface CommonVerifierOptions {
  /** Bodies larger than this are refused with 413 before any hashing. Default 1 MB. */
  maxBodyBytes?: number;
}

/** Pumble scheme: `x-pumble-request-timestamp` + `x-pumble-request-signature`. */
export interface PumbleVerifierOptions extends CommonVerifierOptions {
  scheme: 'pumble';
  /** The app's signing secret; pass several while you roll a new one out. */
  signingSecret: string | readonly string[];
  /** Accepted clock difference either way. Default 5 minutes. */
  toleranceMs?: number;
  /** Clock in epoch ms, injectable for tests. */
  now?: () => number;
}

/** Watson scheme: `X-OUTBOUND-TOKEN` = HMAC of the raw body with the webhook secret. */
export interface WatsonVerifierOptions extends CommonVerifierOptions {
  scheme: 'watson';
  webhookSecret: string;
}

export type VerifierOptions = PumbleVerifierOptions | WatsonVerifierOptions;

export type VerifyFailureCode = 'invalid_signature' | 'stale_timestamp' | 'invalid_json' | 'payload_too_large';

export interface VerifyFailure {
  ok: false;
  status: 400 | 401 | 403 | 413;
  code: VerifyFailureCode;
  message: string;
}

export interface VerifiedDelivery {
  ok: true;
  /** The parsed JSON body; receivers validate its shape with the protocol schemas. */
  payload: JsonObject;
  scheme: VerifierOptions['scheme'];
  /** `x-switchboard-delivery-id`: the same on every retry of one delivery (feed it to a DeliveryDeduper). */
  deliveryId?: string;
  /** How many times the platform already tried this delivery, when it says so. */
  retryCount?: number;
}

export type VerifyResult = VerifiedDelivery | VerifyFailure;

/** Checks one request; never throws. */
export type Verifier = (request: RequestView) => VerifyResult;

function fail(status: VerifyFailure['status'], code: VerifyFailureCode, message: string): VerifyFailure {
  return { ok: false, status, code, message };
}

function assertSecret(secret: unknown, what: string): asserts secret is string {
  if (typeof secret !== 'string' || secret.length === 0) {
    // Loud at start-up instead of a 500 on every request (the Pumble SDK's failure mode).
    throw new TypeError(`${what} is missing: set it before starting the app.`);
  }
}

function parseBody(rawBody: Uint8Array): { ok: true; value: JsonObject } | VerifyFailure {
  let value: unknown;
  try {
    // isUtf8 first: toString would quietly turn invalid bytes into U+FFFD instead of refusing them.
    if (!isUtf8(rawBody)) throw new TypeError('not UTF-8');
    const bytes = Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return fail(400, 'invalid_json', 'The request body is not valid UTF-8 JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(400, 'invalid_json', 'The request body must be a JSON object.');
  }
  return { ok: true, value: value as JsonObject };
}

function retryCountOf(headers: HeaderBag): number | undefined {
  const raw = headerValue(headers, RETRY_COUNT_HEADER) ?? headerValue(headers, OUTBOUND_RETRY_COUNT_HEADER);
  const count = raw === undefined ? Number.NaN : Number(raw);
  return Number.isSafeInteger(count) && count >= 0 ? count : undefined;
}

function checkPumble(request: RequestView, options: PumbleVerifierOptions, secrets: readonly string[]): VerifyFailure | undefined {
  const { headers } = request;
  const timestamp = headerValue(headers, PUMBLE_TIMESTAMP_HEADER);
  const signature = headerValue(headers, PUMBLE_SIGNATURE_HEADER);
  if (!timestamp || !signature) return fail(401, 'invalid_signature', 'The request is missing its signature headers.');
  const result = verifyPumble({
    secrets,
    timestamp,
    signature,
    // An app still holding the pre-rotation secret matches the platform's second signature.
    previousSignature: headerValue(headers, PREVIOUS_SIGNATURE_HEADER),
    rawBody: request.rawBody,
    now: options.now?.() ?? Date.now(),
    toleranceMs: options.toleranceMs ?? DEFAULT_TIMESTAMP_TOLERANCE_MS,
  });
  if (result.ok) return undefined;
  return fail(result.code === 'stale_timestamp' ? 401 : 403, result.code, result.message);
}

function checkWatson(request: RequestView, secret: string): VerifyFailure | undefined {
  const token = headerValue(request.headers, OUTBOUND_TOKEN_HEADER);
  if (!token) return fail(401, 'invalid_signature', 'The request is missing its X-OUTBOUND-TOKEN header.');
  if (!verifyOutbound(secret, request.rawBody, token)) return fail(403, 'invalid_signature', 'The X-OUTBOUND-TOKEN does not match the body.');
  return undefined;
}

/**
 * Builds the verifier for one signing scheme. Throws (at start-up) when the secret is missing;
 * the returned function never throws.
 * @example
 * const verify = createVerifier({ scheme: 'pumble', signingSecret: process.env.SIGNING_SECRET! });
 * const result = verify({ headers: req.headers, rawBody });
 * if (!result.ok) return reply(result.status, { code: result.code, message: result.message });
 * handle(result.payload);
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let check: (request: RequestView) => VerifyFailure | undefined;
  if (options.scheme === 'pumble') {
    const secrets = typeof options.signingSecret === 'string' ? [options.signingSecret] : [...options.signingSecret];
    if (secrets.length === 0) assertSecret(undefined, 'signingSecret');
    for (const secret of secrets) assertSecret(secret, 'signingSecret');
    check = (request) => checkPumble(request, options, secrets);
  } else if (options.scheme === 'watson') {
    const secret = options.webhookSecret;
    assertSecret(secret, 'webhookSecret');
    check = (request) => checkWatson(request, secret);
  } else {
    throw new TypeError(`Unknown signature scheme: ${String((options as { scheme: unknown }).scheme)}`);
  }

  return (request) => {
    try {
      if (request.rawBody.byteLength > maxBodyBytes) {
        return fail(413, 'payload_too_large', `The request body exceeds ${maxBodyBytes} bytes.`);
      }
      const failure = check(request);
      if (failure) return failure;
      const parsed = parseBody(request.rawBody);
      if (!parsed.ok) return parsed;
      return {
        ok: true,
        payload: parsed.value,
        scheme: options.scheme,
        deliveryId: headerValue(request.headers, DELIVERY_ID_HEADER) || undefined,
        retryCount: retryCountOf(request.headers),
      };
    } catch {
      // Fail closed: anything unexpected is treated as an unverifiable request.
      return fail(403, 'invalid_signature', 'The request could not be verified.');
    }
  };
}

/** The body of the platform's webhook verification request (PROTOCOL.md 8). */
export interface VerificationChallenge {
  type: 'verification';
  challenge: string;
}

/**
 * Whether a verified Watson payload is the enable-time challenge rather than an event.
 * @example if (isVerificationChallenge(result.payload)) return answerVerificationChallenge(secret, result.payload.challenge);
 */
export function isVerificationChallenge(payload: JsonObject): payload is JsonObject & VerificationChallenge {
  return payload.type === 'verification' && typeof payload.challenge === 'string';
}

/** A fully built HTTP reply: send these bytes unchanged, the header signs exactly them. */
export interface SignedReply {
  status: 200;
  headers: { 'content-type': string; 'x-outbound-token': string };
  body: string;
}

/**
 * Answers a Watson verification challenge: body `{"response": challenge}` and an
 * `X-OUTBOUND-TOKEN` header that is the HMAC of that exact body.
 * @example
 * const reply = answerVerificationChallenge(webhookSecret, payload.challenge);
 * res.writeHead(reply.status, reply.headers).end(reply.body);
 */
export function answerVerificationChallenge(webhookSecret: string, challenge: string): SignedReply {
  assertSecret(webhookSecret, 'webhookSecret');
  const body = JSON.stringify({ response: challenge });
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-outbound-token': signOutbound(webhookSecret, body) },
    body,
  };
}
