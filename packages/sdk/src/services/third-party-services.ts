import { pkceChallenge } from '@switchboard/protocol';
import { type HttpOptions, HttpTransport } from '../client/http.js';
import { OAuthFlowError } from '../oauth/oauth-error.js';
import { resultPage } from '../oauth/result-page.js';
import { SignedStates } from '../oauth/signed-state.js';
import type { StateStore } from '../oauth/state-store.js';
import type { Router } from '../receivers/router.js';
import { ProviderTokenResponse, type ServiceProvider, type ServiceProviderInput, ServiceProviderSchema, type ServiceTokens } from './service-provider.js';
import type { Service, ServiceKey, ServicesStore } from './services-store.js';

export interface ThirdPartyServicesOptions {
  /** Where connected services are kept (their tokens sealed). */
  store: ServicesStore;
  /** The providers a bot may connect, by `name`. */
  providers: readonly ServiceProviderInput[];
  /** Signs the `state` (HMAC-SHA256); at least 32 characters. */
  stateSecret: string;
  /** This app's callback URL, registered at every provider; the route is served at its path. */
  callbackUrl: string;
  /** Where used states are remembered. Default: `store` itself (shared by every process using it). */
  stateStore?: StateStore;
  /** How long a connect link works. Default 10 minutes. */
  stateTtlMs?: number;
  /** Timeout and dispatcher for the token requests. */
  httpOptions?: Pick<HttpOptions, 'timeoutMs' | 'dispatcher' | 'userAgent'>;
  /** After the service is saved. Default: a small "connected" page. */
  onSuccess?: (result: ConnectedService, request: Request) => Response | Promise<Response>;
  /** On any failure, with a typed code. Default: a small error page with `error.status`. */
  onError?: (error: OAuthFlowError, request: Request) => Response | Promise<Response>;
  /** `accessToken` refreshes a token this long before it expires. Default 60 s. */
  refreshAheadMs?: number;
  /** Epoch ms clock, injectable for tests. */
  now?: () => number;
}

/** Who a connection is for: any of bot, group (channel) and user; they become the row's key. @example { provider: 'GitHub', groupId: channelId, userId } */
export interface ConnectTarget {
  provider: string;
  botId?: string;
  groupId?: string;
  userId?: string;
}

/** What `onSuccess` receives. @example onSuccess: ({ provider, service }) => new Response(`${provider} connected for ${service.groupId}`) */
export interface ConnectedService {
  provider: string;
  /** The saved row; `data` holds {@link ServiceTokens}. */
  service: Service;
}

/**
 * Connects bots, channels or people to third-party services over OAuth 2.0 (seed 002, made
 * safe): `authorizeUrl` builds the provider's URL with a signed, expiring, single-use `state`
 * (not the forgeable `group:bot` of the seed) and PKCE; the callback route redeems it,
 * exchanges the code at the provider's token endpoint and upserts the service row.
 * @example
 * const services = new ThirdPartyServices({ store, providers: [github], stateSecret, callbackUrl: `${base}/services/callback`,
 *   onSuccess: async ({ service }) => { await say(service.groupId, 'GitHub connected'); return new Response('Connected, close this tab.'); } });
 * createApp({ ..., onServerConfiguring: (router) => services.mount(router) });
 * ctx.ack(`Connect GitHub: ${services.authorizeUrl({ provider: 'GitHub', botId, groupId: ctx.payload.channelId })}`);
 */
export class ThirdPartyServices {
  readonly callbackPath: string;
  private readonly providers = new Map<string, ServiceProvider>();
  private readonly states: SignedStates;
  private readonly refreshing = new Map<number, Promise<string>>();
  private initialized: Promise<void> | undefined;

  constructor(private readonly options: ThirdPartyServicesOptions) {
    for (const input of options.providers) {
      const provider = ServiceProviderSchema.parse(input);
      if (this.providers.has(provider.name)) throw new TypeError(`Two providers are named ${provider.name}.`);
      this.providers.set(provider.name, provider);
    }
    this.callbackPath = new URL(options.callbackUrl).pathname;
    const stateStore = options.stateStore ?? { consume: async (id: string, expiresAt: number) => (await this.ready()).consume(id, expiresAt) };
    this.states = new SignedStates({ secret: options.stateSecret, purpose: 'service', ttlMs: options.stateTtlMs, store: stateStore, now: options.now });
  }

  /** Serves the callback route on an app's router. @example createApp({ ..., onServerConfiguring: (router) => services.mount(router) }) */
  mount(router: Router): this {
    router.get(this.callbackPath, this.handleCallback);
    return this;
  }

  /**
   * The provider's authorize URL for one connection. Throws `OAuthFlowError('unknown_provider')`.
   * @example services.authorizeUrl({ provider: 'GitHub', botId: ctx.bot, groupId: ctx.payload.channelId, userId: ctx.payload.userId })
   */
  authorizeUrl(target: ConnectTarget): string {
    const provider = this.provider(target.provider);
    const { state, codeVerifier } = this.states.issue({
      provider: provider.name,
      botId: target.botId ?? null,
      groupId: target.groupId ?? null,
      userId: target.userId ?? null,
    });
    const url = new URL(provider.authorizeUrl);
    const params: Record<string, string> = {
      ...provider.authorizeParams,
      response_type: 'code',
      client_id: provider.clientId,
      redirect_uri: this.options.callbackUrl,
      scope: provider.scopes.join(provider.scopeSeparator),
      state,
    };
    if (provider.pkce) Object.assign(params, { code_challenge: pkceChallenge(codeVerifier), code_challenge_method: 'S256' });
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return url.toString();
  }

  /**
   * A usable access token for a connected service: the stored one while fresh, else a new one
   * from the provider (`grant_type=refresh_token`), saved before it is returned. Concurrent calls
   * for one service share one refresh in this process (a rotating refresh token works once).
   * Throws `OAuthFlowError` `not_connected`, `token_expired` (no refresh token) or
   * `exchange_failed` (the provider refused: the person must connect again).
   * @example
   * const token = await services.accessToken({ name: 'GitHub', botId, groupId: channelId });
   * await fetch('https://api.github.com/user', { headers: { authorization: `Bearer ${token}` } });
   */
  async accessToken(serviceOrKey: Service | ServiceKey): Promise<string> {
    const service = 'data' in serviceOrKey && 'id' in serviceOrKey ? serviceOrKey : await (await this.ready()).findService(serviceOrKey);
    if (!service) throw new OAuthFlowError('not_connected', `${serviceOrKey.name} is not connected for this bot, group and user.`);
    const tokens = service.data as Partial<ServiceTokens>;
    const now = (this.options.now ?? Date.now)();
    if (typeof tokens.accessToken === 'string' && (tokens.expiresAt === undefined || tokens.expiresAt - (this.options.refreshAheadMs ?? 60_000) > now)) {
      return tokens.accessToken;
    }
    if (typeof tokens.refreshToken !== 'string')
      throw new OAuthFlowError('token_expired', `The ${service.name} token expired and cannot be refreshed; connect again.`);
    let pending = this.refreshing.get(service.id);
    if (!pending) {
      pending = this.refresh(service, tokens.refreshToken).finally(() => this.refreshing.delete(service.id));
      this.refreshing.set(service.id, pending);
    }
    return pending;
  }

  /** The callback route (GET): never throws; every outcome is a Response. */
  readonly handleCallback = async (request: Request): Promise<Response> => {
    let result: ConnectedService;
    try {
      result = await this.complete(new URL(request.url).searchParams);
    } catch (error) {
      // Outside the typed errors, only the state store (a database) can fail here.
      const flowError = error instanceof OAuthFlowError ? error : new OAuthFlowError('store_failed', 'The service could not be saved.', { cause: error });
      return this.options.onError ? this.options.onError(flowError, request) : resultPage(flowError.status, 'Could not connect', flowError.message);
    }
    return this.options.onSuccess
      ? this.options.onSuccess(result, request)
      : resultPage(200, `${result.provider} connected`, 'You can close this page and go back to the chat.');
  };

  private async complete(query: URLSearchParams): Promise<ConnectedService> {
    const { data, codeVerifier } = await this.states.redeem(query.get('state'));
    const error = query.get('error');
    if (error === 'access_denied') throw new OAuthFlowError('access_denied', 'The connection was cancelled.');
    if (error) throw new OAuthFlowError('authorization_failed', `The provider answered ${error.slice(0, 64)}.`);
    const code = query.get('code');
    if (!code) throw new OAuthFlowError('missing_code', 'The redirect carries no code.');
    const provider = this.provider(String(data.provider));
    const tokens = await this.exchange(provider, code, codeVerifier);
    const key = { name: provider.name, botId: nullable(data.botId), groupId: nullable(data.groupId), userId: nullable(data.userId) };
    let service: Service;
    try {
      service = await (await this.ready()).saveService({ ...key, data: { ...tokens } });
    } catch (cause) {
      throw new OAuthFlowError('store_failed', 'The service could not be saved.', { cause });
    }
    return { provider: provider.name, service };
  }

  private exchange(provider: ServiceProvider, code: string, codeVerifier: string): Promise<ServiceTokens> {
    const form: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: this.options.callbackUrl };
    if (provider.pkce) form.code_verifier = codeVerifier;
    return this.tokenRequest(provider, form, 'the code');
  }

  private async refresh(service: Service, refreshToken: string): Promise<string> {
    const provider = this.provider(service.name);
    const tokens = await this.tokenRequest(provider, { grant_type: 'refresh_token', refresh_token: refreshToken }, 'the refresh token');
    // Providers that do not rotate refresh tokens leave it out of the answer: keep the old one.
    const data = { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
    try {
      await (await this.ready()).saveService({ name: service.name, botId: service.botId, groupId: service.groupId, userId: service.userId, data });
    } catch (cause) {
      throw new OAuthFlowError('store_failed', 'The refreshed token could not be saved.', { cause });
    }
    return tokens.accessToken;
  }

  /** One POST to the token endpoint (RFC 6749 §4.1.3 / §6), client authenticated as configured. */
  private async tokenRequest(provider: ServiceProvider, form: Record<string, string>, what: string): Promise<ServiceTokens> {
    const headers: Record<string, string> = {};
    if (provider.clientAuth === 'basic') {
      // RFC 6749 §2.3.1: each part form-encoded before base64.
      const basic = `${encodeURIComponent(provider.clientId)}:${encodeURIComponent(provider.clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
    } else {
      Object.assign(form, { client_id: provider.clientId, client_secret: provider.clientSecret });
    }
    const target = new URL(provider.tokenUrl);
    // Codes and rotating refresh tokens are single-use: never retried after they may have reached the provider.
    const http = new HttpTransport({ ...this.options.httpOptions, baseUrl: target.origin, retry: { maxAttempts: 1 } });
    let body: unknown;
    try {
      body = await http.json({ method: 'POST', path: `${target.pathname}${target.search}`, form, headers }, ProviderTokenResponse);
    } catch (cause) {
      const reason = cause instanceof Error && 'code' in cause ? ` (${String(cause.code)})` : '';
      throw new OAuthFlowError('exchange_failed', `${provider.name} refused ${what}${reason}.`, { cause });
    }
    // Some providers (GitHub) answer 200 with {error}: that is a refusal too.
    const refused = typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string';
    if (refused) throw new OAuthFlowError('exchange_failed', `${provider.name} refused ${what} (${String((body as { error: string }).error).slice(0, 64)}).`);
    const parsed = ProviderTokenResponse.safeParse(body);
    if (!parsed.success) throw new OAuthFlowError('invalid_token_response', `${provider.name} answered with something that is not a token response.`);
    const now = (this.options.now ?? Date.now)();
    const { access_token, token_type, refresh_token, expires_in, scope } = parsed.data;
    return {
      accessToken: access_token,
      tokenType: token_type ?? 'Bearer',
      ...(refresh_token ? { refreshToken: refresh_token } : {}),
      ...(expires_in ? { expiresAt: now + expires_in * 1000 } : {}),
      ...(scope !== undefined ? { scope } : {}),
    };
  }

  private provider(name: string): ServiceProvider {
    const provider = this.providers.get(name);
    if (!provider) throw new OAuthFlowError('unknown_provider', `No provider is configured as ${JSON.stringify(name).slice(0, 80)}.`);
    return provider;
  }

  private async ready(): Promise<ServicesStore> {
    // A failed initialize (database down) is retried by the next request, not cached.
    this.initialized ??= this.options.store.initialize().catch((error: unknown) => {
      this.initialized = undefined;
      throw error;
    });
    await this.initialized;
    return this.options.store;
  }
}

const nullable = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);
