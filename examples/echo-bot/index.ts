import { readFileSync } from 'node:fs';
import type { ManifestInput } from '@switchboard/protocol';
import { type AppOptions, createApp } from '@switchboard/sdk';

/** The registered manifest; `switchboard dev` points its URLs at the running app. */
export const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as ManifestInput;

/** `/echo text`: answers the person with the text, then says it in the channel. */
export const createEchoBot = (options: Omit<AppOptions, 'manifest'> = {}) =>
  createApp({ manifest, ...options }).command('/echo', async (ctx) => {
    ctx.ack(`You said: ${ctx.payload.text}`);
    await ctx.say(ctx.payload.text);
  });

// Run directly (`switchboard dev` at the repository root does): the signing secret, the API's
// address, the app key, the tokens file and PORT come from the environment dev sets.
if (import.meta.url === `file://${process.argv[1]}`) {
  const address = await createEchoBot().start();
  console.log(`Echo Bot listening on ${address?.url}`);
}
