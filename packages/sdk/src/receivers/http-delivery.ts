import { OUTBOUND_TOKEN_HEADER } from '@switchboard/protocol';
import { headerValue, type RequestView } from '../request-view.js';
import { answerVerificationChallenge, createVerifier, isVerificationChallenge, type Verifier } from '../verify.js';
import type { AckReply, ReceiverHost } from './receiver.js';

/**
 * The transport-neutral half of the HTTP receiver: raw headers + bytes in, a status, headers
 * and body out. `app.fetch` and `app.requestListener` both wrap this one function, so they
 * verify, answer and dispatch identically.
 */

export interface HttpReply {
  status: number;
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
}

/** Turns one raw HTTP delivery into the reply to send; never throws. */
export type DeliveryEndpoint = (request: RequestView, host: ReceiverHost) => Promise<HttpReply>;

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * A JSON reply. Exported for adapters that answer before verification (a body over the limit).
 * @example jsonReply(413, { code: 'payload_too_large', message: 'Too big.' })
 */
export function jsonReply(status: number, body: object): HttpReply {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

/**
 * Builds the endpoint. Throws here, at start-up, when the signing secret is missing.
 * @example
 * const endpoint = createDeliveryEndpoint({ signingSecret });
 * const reply = await endpoint({ headers: req.headers, rawBody }, app);
 * res.writeHead(reply.status, reply.headers).end(reply.body);
 */
export function createDeliveryEndpoint(options: DeliveryEndpointOptions): DeliveryEndpoint {
  const common = { maxBodyBytes: options.maxBodyBytes };
  const pumble = createVerifier({ scheme: 'pumble', signingSecret: options.signingSecret, toleranceMs: options.toleranceMs, now: options.now, ...common });
  const watsonSecret = options.webhookSecret;
  const watson: Verifier | undefined = watsonSecret === undefined ? undefined : createVerifier({ scheme: 'watson', webhookSecret: watsonSecret, ...common });

  return async (request, host) => {
    // The scheme follows from the headers: a Watson delivery carries X-OUTBOUND-TOKEN instead.
    const useWatson = watson !== undefined && headerValue(request.headers, OUTBOUND_TOKEN_HEADER) !== undefined;
    const result = (useWatson ? watson : pumble)(request);
    if (!result.ok) return jsonReply(result.status, { code: result.code, message: result.message });
    if (useWatson && watsonSecret !== undefined && isVerificationChallenge(result.payload)) {
      return answerVerificationChallenge(watsonSecret, result.payload.challenge);
    }
    const reply = await new Promise<AckReply>((resolve) => {
      // handle() never rejects and always acks; the catch is a last line of defence.
      host.handle({ payload: result.payload, deliveryId: result.deliveryId, retryCount: result.retryCount }, resolve).catch((error: unknown) => {
        host.reportError(error);
        resolve({ status: 500, body: {} });
      });
    });
    return jsonReply(reply.status, reply.body);
  };
}
