import { SwitchboardError } from '@switchboard/protocol';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { AppActor } from '../auth/actor.js';
import type { Clock } from '../clock.js';
import { constantTimeEqual, hashToken } from '../security/tokens.js';
import type { Database } from '../store/schema.js';

interface CachedToken {
  actor: AppActor;
  appKeyHash: string;
  checkedAt: number;
}

/** How long another node's revocation may take to be seen here; this node's own apply at once. */
const CACHE_MS = 2_000;

/**
 * Recognises Pumble-style app calls: `token` (user or bot access token) plus `x-app-token`
 * (the app key). Lookups are cached; every revocation on this node clears the cache so a
 * revoked token fails on the very next call.
 */
export class AppTokenStrategy {
  private cache = new Map<string, CachedToken>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  invalidate(): void {
    this.cache = new Map();
  }

  readonly strategy = async (request: FastifyRequest): Promise<AppActor | undefined> => {
    const token = request.headers.token;
    if (typeof token !== 'string' || token.length === 0) return undefined;
    const appKey = request.headers['x-app-token'];
    if (typeof appKey !== 'string' || appKey.length === 0)
      throw new SwitchboardError('invalid_token', 'Send the app key in the x-app-token header with the token.');
    return this.resolve(token, appKey);
  };

  async resolve(token: string, appKey: string): Promise<AppActor> {
    const now = this.clock.now();
    const hash = hashToken(token);
    let entry = this.cache.get(hash);
    if (!entry || now - entry.checkedAt >= CACHE_MS) {
      entry = await this.load(hash, now);
      if (this.cache.size > 100_000) this.cache = new Map();
      this.cache.set(hash, entry);
    }
    if (!constantTimeEqual(entry.appKeyHash, hashToken(appKey))) throw new SwitchboardError('invalid_token', 'The app key does not match the token.');
    return entry.actor;
  }

  private async load(hash: string, now: number): Promise<CachedToken> {
    const row = await this.db
      .selectFrom('app_tokens as t')
      .innerJoin('apps as a', 'a.id', 't.app_id')
      .innerJoin('workspace_users as u', 'u.id', 't.user_id')
      .leftJoin('app_installations as i', 'i.id', 't.installation_id')
      .leftJoin('app_authorizations as z', 'z.id', 't.authorization_id')
      .select([
        't.kind',
        't.app_id',
        't.workspace_id',
        't.user_id',
        't.revoked_at',
        't.expires_at',
        'a.app_key_hash',
        'u.role',
        'u.status',
        'i.bot_scopes',
        'i.uninstalled_at',
        'z.user_scopes',
        'z.revoked_at as auth_revoked_at',
      ])
      .where('t.token_hash', '=', hash)
      .executeTakeFirst();
    const dead =
      !row ||
      row.revoked_at !== null ||
      (row.expires_at !== null && row.expires_at <= now) ||
      row.status !== 'ACTIVE' ||
      row.uninstalled_at !== null ||
      row.kind === 'refresh' ||
      (row.kind === 'user' && (row.user_scopes === null || row.auth_revoked_at !== null));
    if (dead || !row) throw new SwitchboardError('invalid_token', 'The token is not valid or has been revoked.');
    const scopes = JSON.parse((row.kind === 'bot' ? row.bot_scopes : row.user_scopes) ?? '[]') as string[];
    return {
      actor: {
        kind: 'app',
        appId: row.app_id,
        workspaceId: row.workspace_id,
        userId: row.user_id,
        role: row.role,
        tokenKind: row.kind === 'bot' ? 'bot' : 'user',
        scopes: new Set(scopes),
      },
      appKeyHash: row.app_key_hash,
      checkedAt: now,
    };
  }
}
