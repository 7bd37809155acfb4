/**
 * Why an OAuth redirect (an app install, or a third-party service connection) failed. The
 * `code` is stable; `onError` handlers switch on it. The message never contains a secret.
 */
export type OAuthFlowErrorCode =
  /** The `state` is missing, malformed, signed with another key, or issued for another flow. */
  | 'invalid_state'
  /** The `state` is genuine but older than its time to live. */
  | 'state_expired'
  /** The `state` was already used once: a replayed (possibly stolen) redirect. */
  | 'state_reused'
  /** The person pressed Cancel (`error=access_denied`). */
  | 'access_denied'
  /** The authorization server redirected back with another `error`. */
  | 'authorization_failed'
  /** The redirect carries no `code`. */
  | 'missing_code'
  /** The token endpoint refused the code or could not be reached. */
  | 'exchange_failed'
  /** The token endpoint answered 2xx with a body that is not a token response. */
  | 'invalid_token_response'
  /** The tokens could not be saved. */
  | 'store_failed'
  /** `authorizeUrl` or a state named a provider that is not configured. */
  | 'unknown_provider'
  /** `accessToken` was asked for a service that is not connected. */
  | 'not_connected'
  /** The stored token expired and there is no refresh token: connect again. */
  | 'token_expired';

const STATUS: Record<OAuthFlowErrorCode, number> = {
  invalid_state: 400,
  state_expired: 400,
  state_reused: 400,
  access_denied: 403,
  authorization_failed: 400,
  missing_code: 400,
  exchange_failed: 502,
  invalid_token_response: 502,
  store_failed: 500,
  unknown_provider: 400,
  not_connected: 404,
  token_expired: 401,
};

/**
 * @example
 * onError: (error, request) => error.code === 'access_denied'
 *   ? new Response('Maybe next time.', { status: 403 })
 *   : new Response(`Could not connect (${error.code}).`, { status: error.status })
 */
export class OAuthFlowError extends Error {
  readonly code: OAuthFlowErrorCode;
  /** The HTTP status the default error page uses. */
  readonly status: number;

  constructor(code: OAuthFlowErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OAuthFlowError';
    this.code = code;
    this.status = STATUS[code];
  }
}
