import { OUTBOUND_TOKEN_HEADER, PUMBLE_SIGNATURE_HEADER, PUMBLE_TIMESTAMP_HEADER } from '@switchboard/protocol';
import { headerValue, type RequestView } from '../request-view.js';
import { answerVerificationChallenge, createVerifier, DEFAULT_TIMESTAMP_TOLERANCE_MS, isVerificationChallenge, type Verifier } from '../verify.js';
import type { AckReply, ReceiverHost } from './receiver.js';
import { ReplayGuard } from './replay-guard.js';

/**
 * The transport-neutral half of the HTTP receiver: raw headers + bytes in, a status, headers
 * and body out. `app.fetch` and `app.requestListener` both wrap this one function, so they
 * verify, answer and dispatch identically.
 *
 * It answers through a callback rather than a promise: node's listener writes the reply the
 * moment a handler acks (usually synchronously, inside dispatch), with no promise per request.
 */

export interface HttpReply {
  status: number;
  /** Always carries `content-length`, so node sends one write instead of a chunked body. */
  headers: Record<string, string>;
  body: string;
}

export interface DeliveryEndpointOptions {
  /** The app's signing secret (several while rolling a new one out). Required. */
  signingSecret: string | readonly string[];
  /** Set to also accept Watson-style webhooks (`X-OUTBOUND-TOKEN`) and answer their enable challenge. */
  webhookSecret?: string;
  /** Default 1 MB. */
  maxBodyBytes?: number;
  /** Accepted clock difference for the Pumble timestamp. Default 5 minutes. */
  toleranceMs?: number;
  /** Clock in epoch ms, injectable for tests. */
  now?: () => number;
  /** Refuse a Pumble-signed request whose signature was already accepted (409 `replayed_request`). Default true. */
  refuseReplays?: boolean;
}

/** Turns one raw HTTP delivery into the reply to send, passed to `send` exactly once; never throws. */
export type DeliveryEndpoint = (request: RequestView, host: ReceiverHost, send: (reply: HttpReply) => void) => void;

const EMPTY_ACK: HttpReply = Object.freeze({ status: 200, headers: Object.freeze({ 'content-type': 'application/json', 'content-length': '2' }), body: '{}' });

/**
 * A JSON reply. Exported for adapters that answer before verification (a body over the limit).
 * @example jsonReply(413, { code: 'payload_too_large', message: 'Too big.' })
 */
export function jsonReply(status: number, body: object): HttpReply {
  const text = JSON.stringify(body);
  return { status, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }, body: text };
}

/** The core's answer as HTTP; the plain `{}` ack, by far the most common, is one shared object. */
function httpReplyOf(reply: AckReply): HttpReply {
  if (reply.status === 200) {
    // No allocation for the common case; `for…in` finds any own key without building an array.
    let empty = true;
    for (const _ in reply.body) {
      empty = false;
      break;
    }
    if (empty) return EMPTY_ACK;
  }
  return jsonReply(reply.status, reply.body);
}

/**
 * Builds the endpoint. Throws here, at start-up, when the signing secret is missing.
 * @example
 * const endpoint = createDeliveryEndpoint({ signingSecret });
 * endpoint({ headers: req.headers, rawBody }, app, (reply) => res.writeHead(reply.status, reply.headers).end(reply.body));
 */
export function createDeliveryEndpoint(options: DeliveryEndpointOptions): DeliveryEndpoint {
  const common = { maxBodyBytes: options.maxBodyBytes };
  const pumble = createVerifier({ scheme: 'pumble', signingSecret: options.signingSecret, toleranceMs: options.toleranceMs, now: options.now, ...common });
  const watsonSecret = options.webhookSecret;
  const watson: Verifier | undefined = watsonSecret === undefined ? undefined : createVerifier({ scheme: 'watson', webhookSecret: watsonSecret, ...common });
  const toleranceMs = options.toleranceMs ?? DEFAULT_TIMESTAMP_TOLERANCE_MS;
  const replays = options.refuseReplays === false ? undefined : new ReplayGuard(toleranceMs);

  return (request, host, send) => {
    // The scheme follows from the headers: a Watson delivery carries X-OUTBOUND-TOKEN instead.
    const useWatson = watson !== undefined && headerValue(request.headers, OUTBOUND_TOKEN_HEADER) !== undefined;
    const result = (useWatson ? watson : pumble)(request);
    if (!result.ok) return send(jsonReply(result.status, { code: result.code, message: result.message }));
    if (useWatson && watsonSecret !== undefined && isVerificationChallenge(result.payload)) {
      const answer = answerVerificationChallenge(watsonSecret, result.payload.challenge);
      return send({ status: answer.status, headers: { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) }, body: answer.body });
    }
    const signature = replays && !useWatson ? headerValue(request.headers, PUMBLE_SIGNATURE_HEADER) : undefined;
    if (signature !== undefined) {
      const timestamp = Number(headerValue(request.headers, PUMBLE_TIMESTAMP_HEADER));
      if (!replays!.claim(signature, timestamp, options.now?.() ?? Date.now())) {
        return send(jsonReply(409, { code: 'replayed_request', message: 'This signed request was already received.' }));
      }
    }
    // The callbacks are inline arrows, not named consts: a TS loader that keeps function names
    // (tsx, esbuild keepNames) would otherwise wrap each one in a helper call on every request.
    let answered = false;
    host
      .handle({ payload: result.payload, deliveryId: result.deliveryId, retryCount: result.retryCount, scheme: result.scheme }, (reply) => {
        if (answered) return;
        answered = true;
        if (signature !== undefined && reply.status >= 500) replays!.release(signature);
        send(httpReplyOf(reply));
      })
      .catch((error: unknown) => {
        // handle() never rejects and always acks; this is a last line of defence.
        host.reportError(error);
        if (answered) return;
        answered = true;
        if (signature !== undefined) replays!.release(signature);
        send(jsonReply(500, {}));
      });
  };
}
