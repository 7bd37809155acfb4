import { formatConsentScopes, type Manifest, pkceChallenge, type Scope } from '@switchboard/protocol';
import { z } from 'zod';
import { type HttpOptions, HttpTransport } from '../client/http.js';
import type { CredentialsStore, OAuth2AccessTokenResponse } from '../stores/credentials-store.js';
import { OAuthFlowError } from './oauth-error.js';
import { resultPage } from './result-page.js';
import { SignedStates } from './signed-state.js';
import type { StateStore } from './state-store.js';

/**
 * `createApp({ oauth })`: installing the app through the platform's consent page (PROTOCOL.md 4.1).
 * @example createApp({ ..., tokenStore, oauth: { clientId: APP_ID, clientSecret, stateSecret, onSuccess: () => Response.redirect(welcomeUrl, 302) } })
 */
export interface OAuthOptions {
  /** The app's id (its OAuth client id). */
  clientId: string;
  /** From the app registration; sent only to `/oauth2/access`. */
  clientSecret: string;
  /** Signs the `state` (HMAC-SHA256); at least 32 characters, never shown to anyone. */
  stateSecret: string;
  /** Where the platform sends the person back; must be registered. Default: the manifest's first `redirectUrls`. The route is served at its path. */
  redirectUrl?: string;
  /** The consent page. Default `${apiBaseUrl}/access-request` (Switchboard); on Pumble `https://app.pumble.com/access-request`. */
  consentUrl?: string;
  /** Scopes to ask for. Default: all of the manifest's. */
  scopes?: { userScopes?: readonly Scope[]; botScopes?: readonly Scope[] };
  /** Where used states are remembered. Default: in memory (one process). */
  stateStore?: StateStore;
  /** How long an install link works. Default 10 minutes. */
  stateTtlMs?: number;
  /** Send a PKCE S256 challenge (Switchboard checks it). Default true; Pumble ignores it. */
  pkce?: boolean;
  /** After the tokens are saved. Default: a small "installed" page. */
  onSuccess?: (result: InstallResult, request: Request) => Response | Promise<Response>;
  /** On any failure, with a typed code. Default: a small error page with `error.status`. */
  onError?: (error: OAuthFlowError, request: Request) => Response | Promise<Response>;
}

/**
 * What `onSuccess` receives: the platform's token answer (already saved) and how the link was made.
 * @example onSuccess: (result) => new Response(`Installed in ${result.workspaceId}${result.reinstall ? ' again' : ''}`)
 */
export interface InstallResult extends OAuth2AccessTokenResponse {
  reinstall: boolean;
}

/** @example app.installUrl({ workspaceId: 'W1', reinstall: true }) */
export interface InstallUrlOptions {
  /** Preselects this workspace on the consent page. */
  workspaceId?: string;
  /** Re-authorizes the bot (new scopes): a new bot token replaces the old one. */
  reinstall?: boolean;
}

export interface InstallFlowOptions extends OAuthOptions {
  manifest: Manifest;
  apiBaseUrl: string;
  tokenStore: CredentialsStore;
  /** Makes sure the store is initialized before the first save. */
  ready: () => Promise<void>;
  clientOptions?: Omit<HttpOptions, 'baseUrl'>;
  now?: () => number;
}

const AccessTokenResponse = z.object({
  accessToken: z.string(),
  userId: z.string().min(1),
  workspaceId: z.string().min(1),
  botToken: z.string().min(1).optional(),
  botId: z.string().min(1).optional(),
});

/**
 * The install flow behind `app.installUrl()` and the redirect route: a signed, expiring,
 * single-use state with PKCE S256 out; on the way back the state is redeemed, the code
 * exchanged at `/oauth2/access`, the tokens saved, and `onSuccess` / `onError` answer.
 * @example
 * const flow = new InstallFlow({ ...oauth, manifest, apiBaseUrl, tokenStore, ready: () => tokenStore.initialize() });
 * router.get(flow.redirectPath, flow.handleRedirect);
 */
export class InstallFlow {
  readonly redirectUrl: string;
  readonly redirectPath: string;
  private readonly states: SignedStates;
  private readonly consentUrl: string;
  private readonly scopes: string;
  private readonly http: HttpTransport;

  constructor(private readonly options: InstallFlowOptions) {
    const redirectUrl = options.redirectUrl ?? options.manifest.redirectUrls[0];
    if (!redirectUrl) throw new TypeError('oauth needs a redirectUrl (or one in the manifest).');
    this.redirectUrl = redirectUrl;
    this.redirectPath = new URL(redirectUrl).pathname;
    this.states = new SignedStates({ secret: options.stateSecret, purpose: 'install', ttlMs: options.stateTtlMs, store: options.stateStore, now: options.now });
    this.consentUrl = options.consentUrl ?? `${options.apiBaseUrl.replace(/\/+$/, '')}/access-request`;
    const { userScopes = options.manifest.scopes.userScopes, botScopes = options.manifest.bot ? options.manifest.scopes.botScopes : [] } = options.scopes ?? {};
    this.scopes = formatConsentScopes({ userScopes, botScopes });
    // A code is single-use: a network retry after the platform consumed it would revoke the tokens.
    this.http = new HttpTransport({ ...options.clientOptions, baseUrl: options.apiBaseUrl, retry: { maxAttempts: 1 } });
  }

  /** The consent page URL for one person. @example flow.installUrl({ workspaceId: 'W1' }) */
  installUrl(options: InstallUrlOptions = {}): string {
    const { state, codeVerifier } = this.states.issue({ reinstall: options.reinstall === true });
    const url = new URL(this.consentUrl);
    url.searchParams.set('redirectUrl', this.redirectUrl);
    url.searchParams.set('clientId', this.options.clientId);
    url.searchParams.set('scopes', this.scopes);
    url.searchParams.set('state', state);
    if (options.workspaceId) url.searchParams.set('defaultWorkspaceId', options.workspaceId);
    if (options.reinstall) url.searchParams.set('isReinstall', 'true');
    if (this.options.pkce !== false) {
      url.searchParams.set('code_challenge', pkceChallenge(codeVerifier));
      url.searchParams.set('code_challenge_method', 'S256');
    }
    return url.toString();
  }

  /** The redirect route (GET): never throws; every outcome is a Response. */
  readonly handleRedirect = async (request: Request): Promise<Response> => {
    let result: InstallResult;
    try {
      result = await this.complete(new URL(request.url).searchParams);
    } catch (error) {
      // Outside the typed errors, only the state store (a database) can fail here.
      const flowError =
        error instanceof OAuthFlowError ? error : new OAuthFlowError('store_failed', 'The installation could not be completed.', { cause: error });
      return this.options.onError ? this.options.onError(flowError, request) : resultPage(flowError.status, 'Installation failed', flowError.message);
    }
    return this.options.onSuccess ? this.options.onSuccess(result, request) : resultPage(200, 'Installed', 'The app is installed. You can close this page.');
  };

  private async complete(query: URLSearchParams): Promise<InstallResult> {
    // The state first: a forged redirect learns nothing, not even whether its error was seen.
    const { data, codeVerifier } = await this.states.redeem(query.get('state'));
    const denied = query.get('error');
    if (denied === 'access_denied') throw new OAuthFlowError('access_denied', 'The installation was cancelled.');
    if (denied) throw new OAuthFlowError('authorization_failed', `The platform answered ${denied.slice(0, 64)}.`);
    const code = query.get('code');
    if (!code) throw new OAuthFlowError('missing_code', 'The redirect carries no code.');
    const form: Record<string, string> = { 'client-id': this.options.clientId, 'client-secret': this.options.clientSecret, code };
    if (this.options.pkce !== false) form.code_verifier = codeVerifier;
    let body: unknown;
    try {
      body = await this.http.json({ method: 'POST', path: '/oauth2/access', form }, AccessTokenResponse);
    } catch (error) {
      const reason = error instanceof Error && 'code' in error ? ` (${String(error.code)})` : '';
      throw new OAuthFlowError('exchange_failed', `The platform refused the code${reason}.`, { cause: error });
    }
    const parsed = AccessTokenResponse.safeParse(body);
    if (!parsed.success) throw new OAuthFlowError('invalid_token_response', 'The platform answered with something that is not a token response.');
    try {
      await this.options.ready();
      await this.options.tokenStore.saveTokens(parsed.data);
    } catch (error) {
      throw new OAuthFlowError('store_failed', 'The tokens could not be saved.', { cause: error });
    }
    return { ...parsed.data, reinstall: data.reinstall === true };
  }
}
