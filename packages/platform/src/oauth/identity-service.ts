import { SwitchboardError } from '@switchboard/protocol';
import type { FastifyRequest } from 'fastify';
import { type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import type { Kysely } from 'kysely';
import type { AppActor } from '../auth/actor.js';
import type { Clock } from '../clock.js';
import type { Database } from '../store/schema.js';
import type { ExchangeService } from './exchange-service.js';
import { IDENTITY_AUDIENCE, IDENTITY_ISSUER, type IdentityKeys } from './identity-keys.js';

export interface IdentityToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  id: string;
  jti: string;
}

/**
 * App identity (seed 003, PROTOCOL.md 4.3): an app trades its id and client secret for a
 * short-lived ES256 JWT and calls the API as its bot with `Authorization: Bearer`.
 */
export class IdentityService {
  /** Verified tokens: ES256 verification costs ~0.2 ms, so a token is checked once and its installation re-read every 2 s. */
  private cache = new Map<string, { actor: AppActor; exp: number; checkedAt: number }>();

  constructor(
    private readonly keys: IdentityKeys,
    private readonly exchange: ExchangeService,
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {}

  /** `grant_type=client_credentials`; the workspace is the one asked for, or the app's only installation. */
  async clientCredentials(appId: string, clientSecret: string, workspaceId?: string): Promise<IdentityToken> {
    const app = await this.exchange.authenticateClient(appId, clientSecret);
    let query = this.db.selectFrom('app_installations').selectAll().where('app_id', '=', app.id).where('uninstalled_at', 'is', null);
    if (workspaceId) query = query.where('workspace_id', '=', workspaceId);
    const installations = await query.execute();
    if (installations.length === 0) throw new SwitchboardError('invalid_grant', 'The app is not installed in that workspace.');
    if (installations.length > 1) throw new SwitchboardError('invalid_request', 'The app is installed in several workspaces: send workspace_id.');
    const installation = installations[0];
    if (!installation.bot_user_id) throw new SwitchboardError('invalid_grant', 'App identity needs an app with a bot.');
    const scopes = JSON.parse(installation.bot_scopes) as string[];
    const { token, jti } = await this.keys.sign(
      app.id,
      { wid: installation.workspace_id, bid: installation.bot_user_id, scope: scopes.join(' ') },
      this.ttlSeconds,
    );
    return { access_token: token, token_type: 'Bearer', expires_in: this.ttlSeconds, scope: scopes.join(' '), id: app.id, jti };
  }

  /** Recognises `Authorization: Bearer <JWT>`; scopes come from the live installation. */
  readonly strategy = async (request: FastifyRequest): Promise<AppActor | undefined> => {
    const header = request.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) return undefined;
    return this.verify(header.slice(7).trim());
  };

  /** Drops cached verifications (after an uninstall or revocation on this node). */
  invalidate(): void {
    this.cache = new Map();
  }

  async verify(token: string): Promise<AppActor> {
    const now = this.clock.now();
    const hit = this.cache.get(token);
    if (hit && hit.exp * 1000 > now && now - hit.checkedAt < 2_000) return hit.actor;
    if (hit && hit.exp * 1000 <= now) {
      this.cache.delete(token);
      throw new SwitchboardError('token_expired', 'The app token has expired; request a new one.');
    }
    const actor = await this.verifyUncached(token);
    if (this.cache.size > 10_000) this.cache = new Map();
    const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp as number;
    this.cache.set(token, { actor, exp, checkedAt: now });
    return actor;
  }

  private async verifyUncached(token: string): Promise<AppActor> {
    const getKey: JWTVerifyGetKey = async (header) => {
      const key = header.kid ? await this.keys.verifyKey(header.kid) : undefined;
      if (!key) throw new SwitchboardError('invalid_token', 'The token was signed by an unknown key.');
      return key;
    };
    let claims: { sub?: string; wid?: unknown; bid?: unknown; uid?: unknown };
    try {
      ({ payload: claims } = await jwtVerify(token, getKey, {
        issuer: IDENTITY_ISSUER,
        audience: IDENTITY_AUDIENCE,
        algorithms: ['ES256'],
        currentDate: new Date(this.clock.now()),
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new SwitchboardError('token_expired', 'The app token has expired; request a new one.');
      throw new SwitchboardError('invalid_token', 'The bearer token is not valid.');
    }
    if (typeof claims.sub === 'string' && typeof claims.wid === 'string' && typeof claims.uid === 'string')
      return this.personActor(claims.sub, claims.wid, claims.uid);
    if (typeof claims.sub !== 'string' || typeof claims.wid !== 'string' || typeof claims.bid !== 'string') {
      throw new SwitchboardError('invalid_token', 'The bearer token is missing claims.');
    }
    const installation = await this.db
      .selectFrom('app_installations')
      .select(['bot_scopes', 'bot_user_id'])
      .where('app_id', '=', claims.sub)
      .where('workspace_id', '=', claims.wid)
      .where('uninstalled_at', 'is', null)
      .executeTakeFirst();
    if (!installation || installation.bot_user_id !== claims.bid) throw new SwitchboardError('invalid_token', 'The app is no longer installed there.');
    return {
      kind: 'app',
      appId: claims.sub,
      workspaceId: claims.wid,
      userId: claims.bid,
      role: 'bot',
      tokenKind: 'identity',
      scopes: new Set(JSON.parse(installation.bot_scopes) as string[]),
    };
  }

  /** A person-scoped JWT (Watson flow) is good while the person's authorization is. */
  private async personActor(appId: string, workspaceId: string, userId: string): Promise<AppActor> {
    const row = await this.db
      .selectFrom('app_authorizations as z')
      .innerJoin('workspace_users as u', 'u.id', 'z.user_id')
      .select(['z.user_scopes', 'u.role', 'u.status'])
      .where('z.app_id', '=', appId)
      .where('z.user_id', '=', userId)
      .where('z.workspace_id', '=', workspaceId)
      .where('z.revoked_at', 'is', null)
      .executeTakeFirst();
    if (row?.status !== 'ACTIVE') throw new SwitchboardError('invalid_token', 'The person’s authorization has ended.');
    return { kind: 'app', appId, workspaceId, userId, role: row.role, tokenKind: 'user', scopes: new Set(JSON.parse(row.user_scopes) as string[]) };
  }
}
