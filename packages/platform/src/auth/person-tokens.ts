import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SwitchboardError } from '@switchboard/protocol';
import { SignJWT } from 'jose';

export interface PersonClaims {
  /** workspace user id */
  sub: string;
  wid: string;
  aid: string;
  sid: string;
}

const ISSUER = 'switchboard';
const AUDIENCE = 'switchboard:person';

const invalid = () => new SwitchboardError('invalid_token', 'The token is not valid.');

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `Authtoken` a person's tools send: a short-lived HS256 JWT with `exp` (the Pumble CLI
 * decodes it to decide when to refresh). Revocation is enforced through its session id.
 *
 * Signing goes through jose; verifying is done here, synchronously, because it runs on every
 * request: jose re-imports the key as a WebCrypto key each call (~110 µs against ~5 µs for a
 * plain HMAC). The checks are the ones jose made, only stricter: the exact header (HS256,
 * typ JWT, no `crit` extensions), a constant-time comparison of the canonical base64url
 * signature, then `exp` (required), `nbf`, `iss` and `aud`.
 */
export class PersonTokens {
  constructor(
    private readonly key: Uint8Array,
    private readonly ttlSeconds: number,
  ) {}

  sign(claims: PersonClaims, nowMs: number): Promise<string> {
    const iat = Math.floor(nowMs / 1000);
    return new SignJWT({ wid: claims.wid, aid: claims.aid, sid: claims.sid })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.ttlSeconds)
      .sign(this.key);
  }

  /**
   * A refresh token: 256 random bits, valid only while its hash is in the store, but shaped as
   * a signed JWT carrying `exp` (epoch seconds), because pumble-cli decodes the refresh token's
   * `exp` and signs the person out when it cannot read one (PROTOCOL.md 1).
   */
  newRefreshToken(expiresAtMs: number): string {
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ typ: 'refresh', jti: `sbr_${randomBytes(32).toString('base64url')}`, iss: ISSUER, exp: Math.floor(expiresAtMs / 1000) }),
    ).toString('base64url');
    const signature = createHmac('sha256', this.key).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${signature}`;
  }

  /** Async for callers' sake (other verifiers may need I/O); the work itself is synchronous. */
  async verify(token: string, nowMs: number): Promise<PersonClaims> {
    return this.verifySync(token, nowMs);
  }

  verifySync(token: string, nowMs: number): PersonClaims {
    const firstDot = token.indexOf('.');
    const secondDot = token.indexOf('.', firstDot + 1);
    if (firstDot <= 0 || secondDot <= firstDot + 1 || token.indexOf('.', secondDot + 1) !== -1) throw invalid();
    const signingInput = token.slice(0, secondDot);
    const signature = Buffer.from(token.slice(secondDot + 1), 'latin1');
    // Comparing the canonical encoding (not decoded bytes) also refuses non-canonical variants
    // of a valid signature, which a lenient base64url decoder would accept.
    const expected = Buffer.from(createHmac('sha256', this.key).update(signingInput).digest('base64url'), 'latin1');
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) throw invalid();

    const header = decodeJson(token.slice(0, firstDot));
    if (header?.alg !== 'HS256' || header.typ !== 'JWT' || header.crit !== undefined || header.b64 !== undefined) throw invalid();
    const payload = decodeJson(token.slice(firstDot + 1, secondDot));
    if (!payload) throw invalid();
    const { exp, nbf, iat, iss, aud, sub, wid, aid, sid } = payload;
    const now = Math.floor(nowMs / 1000);
    if (typeof exp !== 'number' || !Number.isFinite(exp)) throw invalid();
    if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) throw invalid();
    if (nbf !== undefined && (typeof nbf !== 'number' || !(nbf <= now))) throw invalid();
    if (iss !== ISSUER) throw invalid();
    if (!(aud === AUDIENCE || (Array.isArray(aud) && aud.includes(AUDIENCE)))) throw invalid();
    if (typeof sub !== 'string' || typeof wid !== 'string' || typeof aid !== 'string' || typeof sid !== 'string') {
      throw new SwitchboardError('invalid_token', 'The token is missing required claims.');
    }
    // Same rule as jose: expired once `exp` is reached. Checked last so only an otherwise
    // valid token is reported as expired (the client then refreshes instead of signing in).
    if (exp <= now) throw new SwitchboardError('token_expired', 'The token has expired; refresh it.');
    return { sub, wid, aid, sid };
  }
}
