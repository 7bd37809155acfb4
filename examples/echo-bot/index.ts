import type { ManifestInput } from '@switchboard/protocol';
import { type AppOptions, createApp, JsonFileTokenStore } from '@switchboard/sdk';

const base = process.env.APP_URL ?? 'http://localhost:3000';
export const manifest: ManifestInput = {
  ...{ name: 'echo_bot', displayName: 'Echo Bot', bot: true, shortcuts: [], redirectUrls: [`${base}/redirect`] },
  scopes: { botScopes: ['messages:read', 'messages:write'], userScopes: [] },
  slashCommands: [{ command: '/echo', url: `${base}/slash`, description: 'Repeats what you say' }],
  eventSubscriptions: { url: `${base}/events`, events: [] },
};

/** `/echo text`: answers the person with the text, then says it in the channel. */
export const createEchoBot = (options: Omit<AppOptions, 'manifest'>) =>
  createApp({ manifest, ...options }).command('/echo', async (ctx) => {
    ctx.ack(`You said: ${ctx.payload.text}`);
    await ctx.say(ctx.payload.text);
  });

if (import.meta.url === `file://${process.argv[1]}`) {
  const { SIGNING_SECRET = '', APP_KEY = '', API_BASE_URL = 'http://127.0.0.1:8080' } = process.env;
  const tokenStore = new JsonFileTokenStore('./tokens.json');
  await createEchoBot({ signingSecret: SIGNING_SECRET, appKey: APP_KEY, apiBaseUrl: API_BASE_URL, tokenStore }).start({ port: 3000 });
}
