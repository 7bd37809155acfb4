import { ApiClient, type HttpOptions } from '../client/index.js';
import type { CredentialsStore } from '../stores/credentials-store.js';

export interface BotCredentialsOptions {
  tokenStore?: CredentialsStore;
  /** The App API, e.g. `http://127.0.0.1:8080` or Pumble's API host. */
  apiBaseUrl?: string;
  /** Sent as `x-app-token` with every token (PROTOCOL.md 1). */
  appKey?: string;
  /** Timeouts, retries, dispatcher for the clients handed to listeners. */
  clientOptions?: Omit<HttpOptions, 'baseUrl'>;
}

export interface BotIdentity {
  client: ApiClient;
  userId: string | undefined;
}

const MAX_CACHED_CLIENTS = 1000;

/**
 * Turns stored tokens into API clients for listeners. Clients are cached per token (a token
 * never changes meaning), so a busy app reads the store once per delivery and builds no
 * client twice; a reinstall brings a new token and therefore a new client.
 * @example
 * const credentials = new BotCredentials({ tokenStore, apiBaseUrl, appKey });
 * const bot = await credentials.bot(workspaceId); await bot?.client.messages.post(channelId, 'hi');
 */
export class BotCredentials {
  private readonly clients = new Map<string, ApiClient>();
  private initialized: Promise<void> | undefined;

  constructor(private readonly options: BotCredentialsOptions) {}

  get store(): CredentialsStore | undefined {
    return this.options.tokenStore;
  }

  /** Why there is no bot client, worded for the developer who hit it. */
  missingReason(workspaceId: string): string {
    return this.options.tokenStore
      ? `No bot token is stored for workspace ${workspaceId}: install the app there first.`
      : 'ctx.client needs a tokenStore (with apiBaseUrl and appKey) in createApp.';
  }

  /** Initializes the store once, however many callers ask. @example await credentials.ready(); */
  ready(): Promise<void> {
    this.initialized ??= this.options.tokenStore?.initialize() ?? Promise.resolve();
    return this.initialized;
  }

  /** The bot's client and user id, or undefined when not installed. @example await credentials.bot('W1') */
  async bot(workspaceId: string): Promise<BotIdentity | undefined> {
    const store = this.options.tokenStore;
    if (!store) return undefined;
    await this.ready();
    const [token, userId] = await Promise.all([store.getBotToken(workspaceId), store.getBotUserId(workspaceId)]);
    return token ? { client: this.clientFor(token), userId } : undefined;
  }

  /** A person's client; throws when they never authorized the app. @example await credentials.user('W1', 'U1') */
  async user(workspaceId: string, userId: string): Promise<ApiClient> {
    const store = this.options.tokenStore;
    if (!store) throw new Error(this.missingReason(workspaceId));
    await this.ready();
    const token = await store.getUserToken(workspaceId, userId);
    if (!token) throw new Error(`User ${userId} has not authorized the app in workspace ${workspaceId}.`);
    return this.clientFor(token);
  }

  private clientFor(token: string): ApiClient {
    let client = this.clients.get(token);
    if (!client) {
      // Checked in createApp; repeated here so the types need no assertion.
      const { apiBaseUrl, appKey } = this.options;
      if (!apiBaseUrl || !appKey) throw new Error('apiBaseUrl and appKey are required to call the API.');
      if (this.clients.size >= MAX_CACHED_CLIENTS) this.clients.clear();
      client = new ApiClient({ ...this.options.clientOptions, baseUrl: apiBaseUrl, auth: { token, appKey } });
      this.clients.set(token, client);
    }
    return client;
  }
}
