import { isPkceVerifier, type Manifest, pkceChallenge, SwitchboardError } from '@switchboard/protocol';
import type { Kysely, Transaction } from 'kysely';
import type { AppsService } from '../apps/apps-service.js';
import { manifestOf } from '../apps/apps-service.js';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../security/secret-box.js';
import { constantTimeEqual, hashToken, newOpaqueToken } from '../security/tokens.js';
import { newId } from '../store/ids.js';
import type { AppsTable, Database, OAuthCodesTable } from '../store/schema.js';
import type { InstallationsStore } from './installations-store.js';

export interface AccessTokenResponse {
  accessToken: string;
  botToken?: string;
  userId: string;
  botId?: string;
  workspaceId: string;
}

export interface ExchangeRequest {
  clientId: string;
  clientSecret: string;
  code: string;
  codeVerifier?: string;
  /** Required to match for the Watson flow (`/oauth/token`). */
  redirectUri?: string;
  flow: 'pumble' | 'watson';
}

export interface Installed {
  response: AccessTokenResponse;
  app: AppsTable;
  manifest: Manifest;
  firstInstall: boolean;
  botUserId?: string;
  /** Watson flow only: the refresh token the person-scoped JWTs are minted from. */
  refreshToken?: string;
  userScopes: string[];
}

/** Turns a consent code into tokens, installing the app (and its bot) on first use. */
export class ExchangeService {
  private readonly listeners: ((tokenHashes: 'all') => void)[] = [];

  constructor(
    private readonly apps: AppsService,
    private readonly store: InstallationsStore,
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  /** Told when tokens are revoked here, so token caches drop them at once. */
  onRevoked(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Checks the client by id and secret in constant time. */
  async authenticateClient(clientId: string, clientSecret: string): Promise<AppsTable> {
    const app = clientId ? await this.apps.find(clientId) : undefined;
    const expected = app ? this.apps.secretsOf(app).clientSecret : 'no-such-client';
    if (!constantTimeEqual(expected, clientSecret) || !app) throw new SwitchboardError('invalid_client', 'The client id or secret is wrong.');
    return app;
  }

  async exchange(request: ExchangeRequest): Promise<Installed> {
    const app = await this.authenticateClient(request.clientId, request.clientSecret);
    const now = this.clock.now();
    const codeHash = hashToken(request.code);
    const result = await this.db.transaction().execute(async (trx) => {
      const code = await this.store.findCode(codeHash, trx);
      if (!code) return { error: 'The code is not valid.' } as const;
      if (!(await this.store.consumeCode(trx, codeHash, now))) return { replayed: code } as const;
      const problem = this.codeProblem(code, app, request, now);
      if (problem) return { error: problem } as const;
      return { installed: await this.install(trx, app, code, now) } as const;
    });
    if ('replayed' in result && result.replayed) {
      // RFC 6749 §4.1.2: a reused code may be stolen; revoke everything it issued.
      const issued = JSON.parse(result.replayed.issued_token_hashes ?? '[]') as string[];
      await this.store.revokeTokens(this.db, { hashes: issued }, now);
      this.revoked();
      throw new SwitchboardError('invalid_grant', 'The code was already used; the tokens it issued are revoked.');
    }
    if ('installed' in result && result.installed) return result.installed;
    throw new SwitchboardError('invalid_grant', 'error' in result && result.error ? result.error : 'The code is not valid.');
  }

  private codeProblem(code: OAuthCodesTable, app: AppsTable, request: ExchangeRequest, now: number): string | undefined {
    if (code.app_id !== app.id) return 'The code was issued to another client.';
    if (code.expires_at <= now) return 'The code has expired.';
    if (code.flow !== request.flow) return 'The code belongs to another OAuth flow.';
    if (request.flow === 'watson' && request.redirectUri !== code.redirect_url) return 'redirect_uri does not match the authorization request.';
    if (code.code_challenge) {
      if (!request.codeVerifier || !isPkceVerifier(request.codeVerifier)) return 'A valid code_verifier is required.';
      if (!constantTimeEqual(pkceChallenge(request.codeVerifier), code.code_challenge)) return 'The code_verifier does not match.';
    }
    return undefined;
  }

  private async install(trx: Transaction<Database>, app: AppsTable, code: OAuthCodesTable, now: number): Promise<Installed> {
    const manifest = manifestOf(app);
    const workspaceId = code.workspace_id;
    const issued: string[] = [];
    let installation = await this.store.activeInstallation(app.id, workspaceId, trx);
    const firstInstall = !installation;
    let botToken: string | undefined;
    if (!installation) {
      const botUserId = manifest.bot ? await this.createBot(trx, app, manifest, workspaceId, now) : null;
      installation = {
        id: newId(now),
        app_id: app.id,
        workspace_id: workspaceId,
        bot_user_id: botUserId,
        bot_scopes: code.bot_scopes,
        bot_token_enc: null,
        installed_by: code.user_id,
        installed_at: now,
        uninstalled_at: null,
      };
      await trx.insertInto('app_installations').values(installation).execute();
    }
    if (installation.bot_user_id) {
      const current = installation.bot_token_enc ? this.box.open(installation.bot_token_enc, `installation:${installation.id}:botToken`) : undefined;
      // A bot token revoked by a replayed code must not be handed out again: issue a fresh one.
      const live = current
        ? await trx
            .selectFrom('app_tokens')
            .select('token_hash')
            .where('token_hash', '=', hashToken(current))
            .where('revoked_at', 'is', null)
            .executeTakeFirst()
        : undefined;
      const rotate = firstInstall || code.is_reinstall === 1 || !live;
      if (rotate) {
        // A reinstall re-grants the bot's scopes and kills the old bot token at once.
        await this.store.revokeTokens(trx, { appId: app.id, workspaceId, kind: 'bot' }, now);
        botToken = newOpaqueToken('botAccess');
        issued.push(hashToken(botToken));
        await this.store.insertToken(trx, this.tokenRow(hashToken(botToken), 'bot', app.id, workspaceId, installation.bot_user_id, installation.id, null, now));
        await trx
          .updateTable('app_installations')
          .set({ bot_token_enc: this.box.seal(botToken, `installation:${installation.id}:botToken`), bot_scopes: code.bot_scopes })
          .where('id', '=', installation.id)
          .execute();
      } else {
        botToken = current;
      }
    }
    const authorizationId = await this.authorize(trx, app.id, workspaceId, code, now);
    // Pumble flow: a non-expiring user access token. Watson flow: a rotating refresh token;
    // the short-lived access JWT is signed from it by the identity service.
    const kind = code.flow === 'watson' ? 'refresh' : 'user';
    await this.store.revokeTokens(trx, { appId: app.id, userId: code.user_id, kind }, now);
    const userToken = newOpaqueToken(kind === 'refresh' ? 'appRefresh' : 'userAccess');
    issued.push(hashToken(userToken));
    await this.store.insertToken(trx, this.tokenRow(hashToken(userToken), kind, app.id, workspaceId, code.user_id, installation.id, authorizationId, now));
    await trx
      .updateTable('oauth_codes')
      .set({ issued_token_hashes: JSON.stringify(issued) })
      .where('code_hash', '=', code.code_hash)
      .execute();
    this.revoked();
    const response: AccessTokenResponse = { accessToken: kind === 'user' ? userToken : '', userId: code.user_id, workspaceId };
    if (botToken && installation.bot_user_id) Object.assign(response, { botToken, botId: installation.bot_user_id });
    return {
      response,
      app,
      manifest,
      firstInstall,
      botUserId: installation.bot_user_id ?? undefined,
      refreshToken: kind === 'refresh' ? userToken : undefined,
      userScopes: JSON.parse(code.user_scopes) as string[],
    };
  }

  private async authorize(trx: Transaction<Database>, appId: string, workspaceId: string, code: OAuthCodesTable, now: number): Promise<string> {
    const existing = await this.store.activeAuthorization(appId, code.user_id, trx);
    if (existing) {
      // Re-consent replaces the granted user scopes: added scopes apply only from here on.
      await trx.updateTable('app_authorizations').set({ user_scopes: code.user_scopes, granted_at: now }).where('id', '=', existing.id).execute();
      return existing.id;
    }
    const id = newId(now);
    await trx
      .insertInto('app_authorizations')
      .values({ id, app_id: appId, workspace_id: workspaceId, user_id: code.user_id, user_scopes: code.user_scopes, granted_at: now, revoked_at: null })
      .execute();
    return id;
  }

  private async createBot(trx: Transaction<Database>, app: AppsTable, manifest: Manifest, workspaceId: string, now: number): Promise<string> {
    const id = newId(now);
    await trx
      .insertInto('workspace_users')
      .values({
        id,
        workspace_id: workspaceId,
        account_id: null,
        app_id: app.id,
        name: manifest.displayName,
        email: `${manifest.name.toLowerCase()}-${app.id.slice(-6)}@bots.switchboard.invalid`,
        role: 'bot',
        status: 'ACTIVE',
        avatar: manifest.avatarUrl ?? null,
        time_zone_id: 'UTC',
        title: manifest.botTitle ?? null,
        created_at: now,
      })
      .execute();
    return id;
  }

  private tokenRow(
    hash: string,
    kind: 'user' | 'bot' | 'refresh',
    appId: string,
    workspaceId: string,
    userId: string,
    installationId: string,
    authorizationId: string | null,
    now: number,
  ) {
    return {
      token_hash: hash,
      kind,
      app_id: appId,
      workspace_id: workspaceId,
      user_id: userId,
      installation_id: installationId,
      authorization_id: authorizationId,
      created_at: now,
      expires_at: null,
      revoked_at: null,
    };
  }

  private revoked(): void {
    for (const listener of this.listeners) listener('all');
  }
}
