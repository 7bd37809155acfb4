import { type Manifest, matchRedirectUrl, parseConsentScopes, type Scope, SwitchboardError } from '@switchboard/protocol';
import type { Kysely } from 'kysely';
import type { AppsService } from '../apps/apps-service.js';
import { manifestOf } from '../apps/apps-service.js';
import type { Clock } from '../clock.js';
import { hashToken, newOpaqueToken } from '../security/tokens.js';
import type { AppsTable, Database } from '../store/schema.js';
import type { InstallationsStore } from './installations-store.js';

export const CODE_TTL_MS = 10 * 60 * 1000;

export type RedirectMatchMode = 'prefix' | 'exact';

export interface ConsentRequest {
  clientId: string;
  redirectUrl: string;
  scopes: string;
  isReinstall?: boolean;
  state?: string;
  /** PKCE S256 challenge (ours for /access-request; required by /oauth/authorize). */
  codeChallenge?: string;
  flow?: 'pumble' | 'watson';
}

/** A consent request checked against the registry: safe to show, and to redirect to. */
export interface CheckedConsent {
  app: AppsTable;
  manifest: Manifest;
  redirectUrl: string;
  userScopes: Scope[];
  botScopes: Scope[];
}

/**
 * Consent: validates who asks (client, redirect, scopes) and, once a person allows, issues a
 * single-use code bound to client, redirect, person and workspace.
 */
export class GrantService {
  constructor(
    private readonly apps: AppsService,
    private readonly store: InstallationsStore,
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly redirectMatch: RedirectMatchMode,
  ) {}

  /** Checks client and redirect first: a bad one must never be redirected to. */
  async check(request: ConsentRequest): Promise<CheckedConsent> {
    const app = request.clientId ? await this.apps.find(request.clientId) : undefined;
    if (!app) throw new SwitchboardError('invalid_client', 'No app has that client id.');
    const manifest = manifestOf(app);
    if (!matchRedirectUrl(manifest.redirectUrls, request.redirectUrl, this.redirectMatch)) {
      throw new SwitchboardError('invalid_redirect', 'The redirect URL is not registered for this app.');
    }
    const scopes = parseConsentScopes(request.scopes);
    if (!scopes.ok) throw new SwitchboardError('invalid_scope', scopes.errors.map((e) => e.message).join(' '), { errors: scopes.errors });
    const notUser = scopes.userScopes.filter((s) => !manifest.scopes.userScopes.includes(s));
    const notBot = scopes.botScopes.filter((s) => !manifest.scopes.botScopes.includes(s) || !manifest.bot);
    if (notUser.length > 0 || notBot.length > 0) {
      const listed = [...notUser, ...notBot.map((s) => `bot:${s}`)].join(', ');
      throw new SwitchboardError('invalid_scope', `Scopes not in the app's manifest: ${listed}.`);
    }
    if (request.codeChallenge !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(request.codeChallenge)) {
      throw new SwitchboardError('invalid_request', 'code_challenge must be a base64url SHA-256 (S256).');
    }
    return { app, manifest, redirectUrl: request.redirectUrl, userScopes: scopes.userScopes, botScopes: scopes.botScopes };
  }

  /** The workspace user of this account in `workspaceId`, if an active member. */
  async membership(accountId: string, workspaceId: string) {
    return this.db
      .selectFrom('workspace_users')
      .select(['id', 'role'])
      .where('account_id', '=', accountId)
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', 'ACTIVE')
      .executeTakeFirst();
  }

  /** The person allowed: store a code and build the redirect carrying it (and `state`). */
  async allow(checked: CheckedConsent, request: ConsentRequest, workspaceId: string, userId: string): Promise<{ code: string; redirectUrl: string }> {
    // As Pumble does: until an app is published it installs only in its creator's workspace.
    if (checked.app.published !== 1 && checked.app.owner_workspace_id !== workspaceId) {
      throw new SwitchboardError('forbidden', 'This app is not published; it can only be installed in the workspace where it was created.');
    }
    const now = this.clock.now();
    const code = newOpaqueToken('authCode');
    await this.store.insertCode({
      code_hash: hashToken(code),
      app_id: checked.app.id,
      workspace_id: workspaceId,
      user_id: userId,
      redirect_url: checked.redirectUrl,
      user_scopes: JSON.stringify(checked.userScopes),
      bot_scopes: JSON.stringify(checked.botScopes),
      is_reinstall: request.isReinstall ? 1 : 0,
      flow: request.flow ?? 'pumble',
      code_challenge: request.codeChallenge ?? null,
      created_at: now,
      expires_at: now + CODE_TTL_MS,
      consumed_at: null,
      issued_token_hashes: null,
    });
    return { code, redirectUrl: withParams(checked.redirectUrl, { code, state: request.state }) };
  }

  /** Where Cancel goes: the (already validated) redirect with `error=access_denied`. */
  denied(checked: CheckedConsent, state?: string): string {
    return withParams(checked.redirectUrl, { error: 'access_denied', state });
  }
}

export function withParams(url: string, params: Record<string, string | undefined>): string {
  const target = new URL(url);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) target.searchParams.set(key, value);
  return target.toString();
}

// Kept importable from here for the platform's own tests; the one implementation is in protocol.
export { pkceChallenge } from '@switchboard/protocol';
