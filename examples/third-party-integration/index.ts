import type { ManifestInput } from '@switchboard/protocol';
import { ApiClient, type AppOptions, createApp, JsonFileTokenStore } from '@switchboard/sdk';
import { HookStore } from './hook-store.js';

/**
 * A third-party integration: incoming webhooks. `/connect` gives the channel a secret URL; a
 * service (CI, monitoring, a form) POSTs `{"text": "…"}` to it and the bot posts that text in the
 * channel. `/disconnect` revokes the URL. The bot calls the API with the token the install saved.
 */
export function manifestFor(base: string): ManifestInput {
  const command = (name: string, description: string) => ({ command: name, url: `${base}/slash`, description });
  return {
    ...{ name: 'hook_bot', displayName: 'Hook Bot', bot: true, shortcuts: [], redirectUrls: [`${base}/redirect`] },
    scopes: { botScopes: ['messages:write'], userScopes: [] },
    slashCommands: [command('/connect', 'Get a webhook URL for this channel'), command('/disconnect', 'Revoke it')],
    eventSubscriptions: { url: `${base}/events`, events: [] },
  };
}

export interface HookBotOptions extends Omit<AppOptions, 'manifest'> {
  hooks: HookStore;
  /** Where services reach this app, for the URL shown after `/connect`. */
  publicUrl: string;
}

export function createHookBot({ hooks, publicUrl, ...options }: HookBotOptions) {
  const { tokenStore, apiBaseUrl, appKey } = options;
  if (!tokenStore || !apiBaseUrl || !appKey) throw new Error('The hook bot posts as its bot: it needs tokenStore, apiBaseUrl and appKey.');
  const app = createApp({ manifest: manifestFor(publicUrl), ...options });
  app.command('/connect', async (ctx) => {
    const { workspaceId, channelId, userId } = ctx.payload;
    const key = await hooks.connect({ workspaceId, channelId, userId });
    ctx.ack(`POST {"text": "..."} to ${publicUrl}/hooks/incoming?key=${key} to post here. Keep it secret; /disconnect revokes it.`);
  });
  app.command('/disconnect', async (ctx) => {
    const had = await hooks.disconnect(ctx.payload);
    ctx.ack(had ? 'Disconnected: the old URL no longer works.' : 'This channel had no webhook.');
  });
  app.router.post('/hooks/incoming', async (request) => {
    const hook = hooks.find(new URL(request.url).searchParams.get('key') ?? '');
    if (!hook) return Response.json({ code: 'unknown_hook', message: 'No webhook has this key.' }, { status: 403 });
    const body = (await request.json().catch(() => undefined)) as { text?: unknown } | undefined;
    if (typeof body?.text !== 'string' || body.text.length === 0) {
      return Response.json({ code: 'invalid_body', message: 'Send JSON with a non-empty "text".' }, { status: 400 });
    }
    const token = await tokenStore.getBotToken(hook.workspaceId);
    if (!token) return Response.json({ code: 'not_installed', message: 'The app was uninstalled from that workspace.' }, { status: 410 });
    const message = await new ApiClient({ baseUrl: apiBaseUrl, auth: { token, appKey } }).messages.post(hook.channelId, body.text);
    return Response.json({ id: message.id }, { status: 201 });
  });
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { SIGNING_SECRET = '', APP_KEY = '', API_BASE_URL = 'http://127.0.0.1:8080', APP_URL = 'http://localhost:3000' } = process.env;
  const hooks = new HookStore('./hooks.json');
  await hooks.load();
  const tokenStore = new JsonFileTokenStore('./tokens.json');
  const app = createHookBot({ signingSecret: SIGNING_SECRET, appKey: APP_KEY, apiBaseUrl: API_BASE_URL, tokenStore, hooks, publicUrl: APP_URL });
  await app.start({ port: Number(new URL(APP_URL).port || 3000) });
}
