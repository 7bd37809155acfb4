import { z } from 'zod';
import type { TokenProvider } from '../client/auth.js';
import { type HttpOptions, HttpTransport } from '../client/http.js';

/** `POST /oauth/token` answer for `grant_type=client_credentials` (PROTOCOL.md 4.3). */
const ClientCredentialsToken = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive(),
  scope: z.string().optional(),
  id: z.string().optional(),
  jti: z.string().optional(),
});

export interface AppTokenManagerOptions extends Omit<HttpOptions, 'validateResponses'> {
  appId: string;
  clientSecret: string;
  /** Fetch a new token this long before the current one expires. Default 60 s. */
  refreshAheadMs?: number;
  /** Clock in epoch ms, injectable for tests. */
  now?: () => number;
}

interface CachedToken {
  token: string;
  expiresAt: number;
  refreshAt: number;
}

/**
 * Holds the app's own JWT (client credentials, seed 003): fetches it on first use, caches it,
 * fetches a new one ahead of expiry, and never sends more than one token request at a time
 * however many callers ask concurrently. Pass it as `auth: { bearer: manager }`; the client
 * calls `invalidate` once when the platform answers 401.
 * @example
 * const tokens = new AppTokenManager({ baseUrl, appId, clientSecret });
 * const client = new ApiClient({ baseUrl, auth: { bearer: tokens } });
 */
export class AppTokenManager implements TokenProvider {
  private readonly http: HttpTransport;
  private readonly basic: string;
  private readonly refreshAheadMs: number;
  private readonly now: () => number;
  private current: CachedToken | undefined;
  private inflight: Promise<string> | undefined;

  constructor(options: AppTokenManagerOptions) {
    if (!options.appId || !options.clientSecret) throw new TypeError('AppTokenManager needs appId and clientSecret.');
    // The token endpoint is ours to trust-but-verify: a malformed answer must fail here, not as a later 401.
    this.http = new HttpTransport({ ...options, validateResponses: true });
    this.basic = `Basic ${Buffer.from(`${options.appId}:${options.clientSecret}`).toString('base64')}`;
    this.refreshAheadMs = options.refreshAheadMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * A token valid right now (cached, or freshly fetched).
   * @example const jwt = await tokens.getToken();
   */
  async getToken(): Promise<string> {
    const cached = this.current;
    if (cached && this.now() < cached.refreshAt) return cached.token;
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    try {
      return await this.inflight;
    } catch (error) {
      // Refreshing early failed but the old token has not expired yet: keep working with it.
      if (cached && cached === this.current && this.now() < cached.expiresAt) return cached.token;
      throw error;
    }
  }

  /**
   * Drops the cached token so the next getToken fetches a new one. With `token`, only when it is
   * still the cached one: late 401s for an already-replaced token don't discard the new one.
   * @example tokens.invalidate(rejectedJwt);
   */
  invalidate(token?: string): void {
    if (token === undefined || this.current?.token === token) this.current = undefined;
  }

  private async fetchToken(): Promise<string> {
    const requestedAt = this.now();
    const answer = await this.http.json(
      {
        method: 'POST',
        path: '/oauth/token',
        headers: { authorization: this.basic },
        form: { grant_type: 'client_credentials' },
        // Asking twice only mints a second token, so a lost answer is safe to retry.
        idempotent: true,
      },
      ClientCredentialsToken,
    );
    // Count the lifetime from when we asked, not when the answer arrived: errs on the early side.
    const lifetimeMs = answer.expires_in * 1000;
    const expiresAt = requestedAt + lifetimeMs;
    // A token shorter-lived than the lead time would be refreshed on every call; cap the lead at half its life.
    const refreshAt = expiresAt - Math.min(this.refreshAheadMs, lifetimeMs / 2);
    this.current = { token: answer.access_token, expiresAt, refreshAt };
    return answer.access_token;
  }
}
