import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Database } from '../store/schema.js';

const ALG = 'ES256';
export const IDENTITY_ISSUER = 'switchboard';
export const IDENTITY_AUDIENCE = 'switchboard:api';
type Key = CryptoKey | Uint8Array;

/**
 * ES256 keys for app-identity JWTs. One active key signs; a rotated-out key stays in the
 * JWKS (and verifies) until every token it signed has expired. Private keys are sealed.
 */
export class IdentityKeys {
  private signing?: { kid: string; key: Key };
  private readonly verifying = new Map<string, Key>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    private readonly tokenTtlMs: number,
  ) {}

  async signingKey(): Promise<{ kid: string; key: Key }> {
    if (this.signing) return this.signing;
    const active = await this.db.selectFrom('signing_keys').selectAll().where('retired_at', 'is', null).orderBy('created_at', 'desc').executeTakeFirst();
    if (active) {
      const jwk = JSON.parse(this.box.open(active.private_jwk_enc, `signing-key:${active.kid}`)) as JWK;
      this.signing = { kid: active.kid, key: await importJWK(jwk, ALG) };
      return this.signing;
    }
    return this.rotate();
  }

  /** Signs an API token for app `subject` (app identity or on behalf of a person) with the active key. */
  async sign(subject: string, claims: JWTPayload, ttlSeconds: number): Promise<{ token: string; jti: string }> {
    const { kid, key } = await this.signingKey();
    const jti = randomUUID();
    const iat = Math.floor(this.clock.now() / 1000);
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: ALG, kid, typ: 'JWT' })
      .setIssuer(IDENTITY_ISSUER)
      .setAudience(IDENTITY_AUDIENCE)
      .setSubject(subject)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSeconds)
      .setJti(jti)
      .sign(key);
    return { token, jti };
  }

  /** Starts signing with a new key; the old one keeps verifying until its tokens expire. */
  async rotate(): Promise<{ kid: string; key: Key }> {
    const now = this.clock.now();
    const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' };
    const privateJwk = await exportJWK(privateKey);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('signing_keys').set({ retired_at: now }).where('retired_at', 'is', null).execute();
      await trx
        .insertInto('signing_keys')
        .values({
          kid,
          alg: ALG,
          private_jwk_enc: this.box.seal(JSON.stringify(privateJwk), `signing-key:${kid}`),
          public_jwk: JSON.stringify(publicJwk),
          created_at: now,
          retired_at: null,
        })
        .execute();
    });
    this.signing = { kid, key: privateKey };
    this.verifying.set(kid, publicKey);
    return this.signing;
  }

  /** Public keys still able to verify a live token. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const cutoff = this.clock.now() - this.tokenTtlMs;
    const rows = await this.db
      .selectFrom('signing_keys')
      .select(['public_jwk'])
      .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', cutoff)]))
      .orderBy('created_at', 'desc')
      .execute();
    return { keys: rows.map((r) => JSON.parse(r.public_jwk) as JWK) };
  }

  async verifyKey(kid: string): Promise<Key | undefined> {
    const cached = this.verifying.get(kid);
    if (cached) return cached;
    const row = await this.db.selectFrom('signing_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
    if (!row || (row.retired_at !== null && row.retired_at <= this.clock.now() - this.tokenTtlMs)) return undefined;
    const key = await importJWK(JSON.parse(row.public_jwk) as JWK, ALG);
    this.verifying.set(kid, key);
    return key;
  }
}
