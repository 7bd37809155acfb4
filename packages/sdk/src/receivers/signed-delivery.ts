import { DELIVERY_ID_HEADER, PUMBLE_SIGNATURE_HEADER, PUMBLE_TIMESTAMP_HEADER, signPumble } from '@switchboard/protocol';

/**
 * Builds a delivery exactly as the platform sends it (PROTOCOL.md 6.1): the JSON body and
 * its Pumble signature headers. For testing an app end to end without a platform.
 */

export interface SignedDeliveryOptions {
  signingSecret: string;
  /** Epoch ms; default now. Set it in the past to test the freshness window. */
  timestamp?: number;
  deliveryId?: string;
}

export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
}

/**
 * @example
 * const { headers, body } = signedDelivery({ messageType: 'SLASH_COMMAND', ... }, { signingSecret });
 * const response = await app.fetch(new Request('http://app/hook', { method: 'POST', headers, body }));
 */
export function signedDelivery(payload: object | string, options: SignedDeliveryOptions): SignedDelivery {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const timestamp = String(options.timestamp ?? Date.now());
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    [PUMBLE_TIMESTAMP_HEADER]: timestamp,
    [PUMBLE_SIGNATURE_HEADER]: signPumble(options.signingSecret, timestamp, body),
  };
  if (options.deliveryId) headers[DELIVERY_ID_HEADER] = options.deliveryId;
  return { headers, body };
}
