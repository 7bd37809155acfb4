import { readFileSync } from 'node:fs';
import { type AppOptions, createApp } from '@switchboard/sdk';

export type Manifest = NonNullable<AppOptions['manifest']>;

/** The registration (manifest.json); listeners are checked against it when the app is created. */
export const manifest: Manifest = JSON.parse(readFileSync(new URL('../manifest.json', import.meta.url), 'utf8'));

/**
 * The app's listeners. Credentials left out of `options` are read from the environment
 * `switchboard dev` sets (SWITCHBOARD_SIGNING_SECRET, SWITCHBOARD_API_URL, ...).
 */
export function createBot(options: Omit<AppOptions, 'manifest'> = {}) {
  return (
    createApp({ manifest, ...options })
      // `/echo text`: answers the person privately, then says the text in the channel.
      .command('/echo', async (ctx) => {
        ctx.ack(`You said: ${ctx.payload.text}`);
        await ctx.say(ctx.payload.text);
      })
      // Someone writes "ping" in a channel the bot is in: it answers in the thread.
      .event('NEW_MESSAGE', { match: /^ping$/i }, async (ctx) => {
        await ctx.reply('pong');
      })
  );
}
