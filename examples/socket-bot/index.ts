import type { ManifestInput } from '@switchboard/protocol';
import { type AppOptions, createApp, JsonFileTokenStore, SocketReceiver } from '@switchboard/sdk';

/** Socket mode: the app dials out, so it needs no public URL (the manifest's URLs are unused). */
export const manifest: ManifestInput = {
  ...{ name: 'socket_bot', displayName: 'Socket Bot', bot: true, socketMode: true, shortcuts: [], redirectUrls: [] },
  scopes: { botScopes: ['messages:read', 'messages:write'], userScopes: [] },
  slashCommands: [{ command: '/shout', url: 'https://unused.invalid/slash', description: 'SAYS IT LOUDER' }],
  eventSubscriptions: { url: 'https://unused.invalid/events', events: ['NEW_MESSAGE'] },
};

/** `/shout hi` answers `HI`; a message that is exactly `ping` gets `pong` in its thread. */
export function createSocketBot(options: Omit<AppOptions, 'manifest' | 'receiver'>, receiver: SocketReceiver) {
  return createApp({ manifest, receiver, ...options })
    .command('/shout', (ctx) => ctx.ack(ctx.payload.text.toUpperCase()))
    .event('NEW_MESSAGE', { match: /^ping$/i }, (ctx) => ctx.reply('pong'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // No SIGNING_SECRET: socket frames are authenticated by the connection ticket, not by HMAC.
  const { APP_ID = '', APP_KEY = '', API_BASE_URL = 'http://127.0.0.1:8080' } = process.env;
  const receiver = new SocketReceiver({ appId: APP_ID, appKey: APP_KEY, baseUrl: API_BASE_URL });
  const tokenStore = new JsonFileTokenStore('./tokens.json');
  await createSocketBot({ appKey: APP_KEY, apiBaseUrl: API_BASE_URL, tokenStore }, receiver).start();
}
