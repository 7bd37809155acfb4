/**
 * How the client proves who it is (PROTOCOL.md section 1). Pumble apps send a person's or the
 * bot's access token plus the app key; Watson-style apps send a short-lived app JWT.
 */

/** Anything that hands out a current bearer token, e.g. the AppTokenManager. */
export interface TokenProvider {
  getToken(): Promise<string>;
  /** Called once when the platform answered 401 to `token`, so the next getToken fetches a new one. */
  invalidate?(token: string): void;
}

export type ApiAuth =
  /** Pumble scheme: headers `token` and `x-app-token`. */
  | { token: string; appKey: string }
  /** `Authorization: Bearer <jwt>`: a fixed token or a provider that refreshes it. */
  | { bearer: string | TokenProvider };

/** What the transport needs from an auth scheme: headers per attempt, and a hook for 401. */
export interface Authenticator {
  headers(): Promise<Record<string, string>>;
  /** Returns true when a retry with fresh headers is worth it. */
  onUnauthorized?(sentHeaders: Record<string, string>): boolean;
}

function required(value: unknown, what: string): string {
  // Loud at construction: an empty token would otherwise surface as a puzzling 401 per call.
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`ApiClient auth: ${what} is missing.`);
  return value;
}

export function authenticatorFor(auth: ApiAuth): Authenticator {
  if ('token' in auth) {
    const headers = { token: required(auth.token, 'token'), 'x-app-token': required(auth.appKey, 'appKey') };
    return { headers: async () => headers };
  }
  if (typeof auth.bearer === 'string') {
    const headers = { authorization: `Bearer ${required(auth.bearer, 'bearer')}` };
    return { headers: async () => headers };
  }
  const provider = auth.bearer;
  if (typeof provider?.getToken !== 'function') throw new TypeError('ApiClient auth: bearer must be a token or a TokenProvider.');
  return {
    headers: async () => ({ authorization: `Bearer ${await provider.getToken()}` }),
    onUnauthorized: (sent) => {
      if (!provider.invalidate) return false;
      provider.invalidate(sent.authorization.slice('Bearer '.length));
      return true;
    },
  };
}
