import { SwitchboardError } from '@switchboard/protocol';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import { hashToken, newOpaqueToken } from '../security/tokens.js';
import type { Database } from '../store/schema.js';
import type { ExchangeService } from './exchange-service.js';
import type { IdentityKeys } from './identity-keys.js';

export interface PersonTokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/**
 * On behalf of a person (Watson, PROTOCOL.md 4.2): short-lived ES256 JWTs minted from a
 * rotating refresh token. Replaying a used refresh token revokes the whole authorization's
 * refresh tokens (it may have been stolen).
 */
export class PersonTokenService {
  constructor(
    private readonly keys: IdentityKeys,
    private readonly exchange: ExchangeService,
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {}

  async sign(appId: string, workspaceId: string, userId: string, scopes: readonly string[], refreshToken: string): Promise<PersonTokenResponse> {
    const { token } = await this.keys.sign(appId, { wid: workspaceId, uid: userId, scope: scopes.join(' ') }, this.ttlSeconds);
    return { access_token: token, token_type: 'Bearer', expires_in: this.ttlSeconds, refresh_token: refreshToken, scope: scopes.join(' ') };
  }

  async refresh(clientId: string, clientSecret: string, refreshToken: string): Promise<PersonTokenResponse> {
    const app = await this.exchange.authenticateClient(clientId, clientSecret);
    const now = this.clock.now();
    const next = newOpaqueToken('appRefresh');
    const outcome = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('app_tokens')
        .selectAll()
        .where('token_hash', '=', hashToken(refreshToken))
        .where('kind', '=', 'refresh')
        .executeTakeFirst();
      if (!row || row.app_id !== app.id) return { error: 'The refresh token is not valid.' } as const;
      const authorization = row.authorization_id
        ? await trx.selectFrom('app_authorizations').selectAll().where('id', '=', row.authorization_id).where('revoked_at', 'is', null).executeTakeFirst()
        : undefined;
      if (!authorization) return { error: 'The authorization has ended.' } as const;
      const used = await trx
        .updateTable('app_tokens')
        .set({ revoked_at: now })
        .where('token_hash', '=', row.token_hash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1) {
        await trx.updateTable('app_tokens').set({ revoked_at: now }).where('authorization_id', '=', authorization.id).where('kind', '=', 'refresh').execute();
        return { error: 'The refresh token was already used; every refresh token of this authorization is revoked.' } as const;
      }
      await trx
        .insertInto('app_tokens')
        .values({ ...row, token_hash: hashToken(next), created_at: now, revoked_at: null })
        .execute();
      return { row, scopes: JSON.parse(authorization.user_scopes) as string[] } as const;
    });
    if ('error' in outcome) throw new SwitchboardError('invalid_grant', outcome.error ?? 'The refresh token is not valid.');
    return this.sign(app.id, outcome.row.workspace_id, outcome.row.user_id, outcome.scopes, next);
  }
}
