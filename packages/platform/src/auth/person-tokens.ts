import { SwitchboardError } from '@switchboard/protocol';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

export interface PersonClaims {
  /** workspace user id */
  sub: string;
  wid: string;
  aid: string;
  sid: string;
}

const ISSUER = 'switchboard';
const AUDIENCE = 'switchboard:person';

/**
 * The `Authtoken` a person's tools send: a short-lived HS256 JWT with `exp` (the Pumble CLI
 * decodes it to decide when to refresh). Revocation is enforced through its session id.
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

  async verify(token: string, nowMs: number): Promise<PersonClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: new Date(nowMs),
      });
      const { sub, wid, aid, sid } = payload;
      if (typeof sub !== 'string' || typeof wid !== 'string' || typeof aid !== 'string' || typeof sid !== 'string') {
        throw new SwitchboardError('invalid_token', 'The token is missing required claims.');
      }
      return { sub, wid, aid, sid };
    } catch (error) {
      if (error instanceof SwitchboardError) throw error;
      if (error instanceof joseErrors.JWTExpired) {
        throw new SwitchboardError('token_expired', 'The token has expired; refresh it.');
      }
      throw new SwitchboardError('invalid_token', 'The token is not valid.');
    }
  }
}
