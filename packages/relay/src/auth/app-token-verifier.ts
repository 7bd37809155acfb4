import { SwitchboardError } from '@switchboard/protocol';
import { createRemoteJWKSet, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';

export interface AppTokenVerifierOptions {
  /** The platform; its keys are at `/.well-known/jwks.json` (PROTOCOL.md 4.3). */
  platformUrl: string;
  issuer: string;
  audience: string;
  now: () => number;
}

/** What a verified token grants: the app it names, until when. */
export interface AppIdentity {
  appId: string;
  /** Epoch ms. */
  expiresAt: number;
}

const CACHE_LIMIT = 10_000;

/**
 * Verifies app-identity JWTs without a call per request: the platform's JWKS is fetched once,
 * cached, and fetched again only for an unknown `kid` (jose's remote key set). A verified token
 * is remembered until it expires, so a busy consumer costs one signature check per token.
 */
export class AppTokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly verified = new Map<string, AppIdentity>();

  constructor(private readonly options: AppTokenVerifierOptions) {
    const jwksUrl = new URL('/.well-known/jwks.json', options.platformUrl);
    this.keys = createRemoteJWKSet(jwksUrl, { timeoutDuration: 5_000, cooldownDuration: 1_000, cacheMaxAge: 10 * 60_000 });
  }

  /** The identity of `token` if it is valid now and names `appId`; a typed 401/403/503 otherwise. */
  async verify(token: string, appId: string): Promise<AppIdentity> {
    const now = this.options.now();
    let identity = this.verified.get(token);
    if (!identity) {
      identity = await this.verifyUncached(token, now);
      if (this.verified.size >= CACHE_LIMIT) this.verified.clear();
      this.verified.set(token, identity);
    }
    if (identity.expiresAt <= now) {
      this.verified.delete(token);
      throw new SwitchboardError('token_expired', 'The app token has expired; request a new one.');
    }
    if (identity.appId !== appId) throw new SwitchboardError('forbidden', 'The token belongs to another app.');
    return identity;
  }

  private async verifyUncached(token: string, now: number): Promise<AppIdentity> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ['ES256'],
        currentDate: new Date(now),
        requiredClaims: ['sub', 'exp'],
      });
      return { appId: String(payload.sub), expiresAt: (payload.exp as number) * 1000 };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new SwitchboardError('token_expired', 'The app token has expired; request a new one.');
      if (error instanceof joseErrors.JWKSTimeout || isFetchFailure(error)) {
        throw new SwitchboardError('unavailable', 'The platform cannot be reached to check the token; try again shortly.');
      }
      throw new SwitchboardError('invalid_token', 'The bearer token is not a valid app token.');
    }
  }
}

/** The JWKS could not be fetched at all (platform down), as opposed to a bad token. */
function isFetchFailure(error: unknown): boolean {
  if (error instanceof joseErrors.JOSEError) return error.code === 'ERR_JOSE_GENERIC' && /fetch|network|Expected 200/i.test(error.message);
  return error instanceof TypeError;
}

/** `Authorization: Bearer …`, or `?access_token=` for WebSocket clients that cannot set headers. */
export function bearerToken(authorization: string | undefined, query: unknown): string | undefined {
  if (typeof authorization === 'string' && authorization.startsWith('Bearer ')) return authorization.slice(7).trim() || undefined;
  const fromQuery = (query as { access_token?: unknown } | undefined)?.access_token;
  return typeof fromQuery === 'string' && fromQuery.length > 0 ? fromQuery : undefined;
}
