import type { ManifestInput } from '@switchboard/protocol';
import {
  ApiClient,
  type AppOptions,
  createApp,
  JsonFileTokenStore,
  type ServiceProviderInput,
  type ServicesStore,
  SqliteServicesStore,
  ThirdPartyServices,
} from '@switchboard/sdk';

/**
 * Seed 002's story: a bot that connects a third-party OAuth 2.0 service (a tracker, GitHub,
 * another Switchboard…) per channel and person. `/connect` sends the person a link to the
 * provider's consent page; the callback stores their tokens (sealed) in the ServicesStore and
 * the bot announces it in the channel; `/whoami` calls the service with the stored token;
 * `/disconnect` forgets it.
 */
export function manifestFor(base: string): ManifestInput {
  const command = (name: string, description: string) => ({ command: name, url: `${base}/slash`, description });
  return {
    ...{ name: 'tracker_bot', displayName: 'Tracker Bot', bot: true, shortcuts: [], redirectUrls: [`${base}/redirect`] },
    scopes: { botScopes: ['messages:write'], userScopes: [] },
    slashCommands: [
      command('/connect', 'Connect your tracker account in this channel'),
      command('/whoami', 'Who you are on the tracker'),
      command('/disconnect', 'Forget your tracker account here'),
    ],
    eventSubscriptions: { url: `${base}/events`, events: [] },
  };
}

export interface TrackerBotOptions extends Omit<AppOptions, 'manifest' | 'onServerConfiguring'> {
  /** Where people's browsers reach this app (the provider redirects to `${publicUrl}/services/callback`). */
  publicUrl: string;
  services: ServicesStore;
  provider: ServiceProviderInput;
  /** The provider's "who am I" endpoint, called with the person's token (`{ name, email }`). */
  profileUrl: string;
  /** 32+ characters; signs the connect links' state. */
  stateSecret: string;
}

export async function createTrackerBot({ publicUrl, services: store, provider, profileUrl, stateSecret, ...options }: TrackerBotOptions) {
  const { tokenStore, apiBaseUrl, appKey } = options;
  if (!tokenStore || !apiBaseUrl || !appKey) throw new Error('The tracker bot posts as its bot: it needs tokenStore, apiBaseUrl and appKey.');
  await store.initialize();
  const services = new ThirdPartyServices({
    store,
    providers: [provider],
    stateSecret,
    callbackUrl: `${publicUrl}/services/callback`,
    // The person connected in their browser: tell the channel, as the bot of the right workspace.
    onSuccess: async ({ service }) => {
      const bot = service.botId ? await store.findBot(service.botId) : undefined;
      const token = bot?.workspaceId ? await tokenStore.getBotToken(bot.workspaceId) : undefined;
      if (token && service.groupId) {
        await new ApiClient({ baseUrl: apiBaseUrl, auth: { token, appKey } }).messages.post(
          service.groupId,
          `${provider.name} connected for ${service.userId}.`,
        );
      }
      return new Response(`${provider.name} is connected. You can close this page.`);
    },
  });
  const keyOf = (ctx: { botUserId: string | undefined; payload: { channelId: string; userId: string } }) => ({
    name: provider.name,
    botId: ctx.botUserId,
    groupId: ctx.payload.channelId,
    userId: ctx.payload.userId,
  });

  const app = createApp({ manifest: manifestFor(publicUrl), ...options, onServerConfiguring: (router) => services.mount(router) });
  app.command('/connect', async (ctx) => {
    if (!ctx.botUserId) return ctx.ack('Install the app in this workspace first.');
    // The bots table maps the bot to its workspace, so the callback knows which bot token to post with.
    await store.saveBot({ id: ctx.botUserId, workspaceId: ctx.payload.workspaceId, data: {} });
    const { name, ...target } = keyOf(ctx);
    ctx.ack(`Connect your ${name} account (the link works once, for 10 minutes): ${services.authorizeUrl({ provider: name, ...target })}`);
  });
  app.command('/whoami', async (ctx) => {
    const service = await store.findService(keyOf(ctx));
    if (!service) return ctx.ack(`You have not connected ${provider.name} here yet: /connect`);
    // Fresh, or refreshed (and saved) with the stored refresh token when it has expired.
    const token = await services.accessToken(service);
    const response = await fetch(profileUrl, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) return ctx.ack(`${provider.name} refused the stored token (${response.status}); /connect again.`);
    const me = (await response.json()) as { name?: string; email?: string };
    ctx.ack(`On ${provider.name} you are ${me.name} (${me.email}).`);
  });
  app.command('/disconnect', async (ctx) => {
    const had = await store.deleteService(keyOf(ctx));
    ctx.ack(had ? `Disconnected: the bot no longer holds your ${provider.name} token.` : `You had not connected ${provider.name} here.`);
  });
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const env = process.env;
  const need = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`Set ${name} (see the README, "Third-party services").`);
    return value;
  };
  const publicUrl = env.APP_URL ?? 'http://localhost:3000';
  const services = new SqliteServicesStore({ database: './services.db', encryptionKey: need('SERVICES_KEY') });
  const app = await createTrackerBot({
    ...{ signingSecret: need('SIGNING_SECRET'), appKey: need('APP_KEY'), apiBaseUrl: env.API_BASE_URL ?? 'http://127.0.0.1:8080' },
    tokenStore: new JsonFileTokenStore('./tokens.json'),
    publicUrl,
    services,
    stateSecret: need('STATE_SECRET'),
    provider: {
      name: env.PROVIDER_NAME ?? 'Tracker',
      authorizeUrl: need('PROVIDER_AUTHORIZE_URL'),
      tokenUrl: need('PROVIDER_TOKEN_URL'),
      clientId: need('PROVIDER_CLIENT_ID'),
      clientSecret: need('PROVIDER_CLIENT_SECRET'),
      scopes: (env.PROVIDER_SCOPES ?? 'user:read').split(/[ ,]+/),
    },
    profileUrl: need('PROVIDER_PROFILE_URL'),
  });
  await app.start({ port: Number(new URL(publicUrl).port || 3000) });
}
