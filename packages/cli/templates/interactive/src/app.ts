import { readFileSync } from 'node:fs';
import { type AppOptions, createApp } from '@switchboard/sdk';

export type Manifest = NonNullable<AppOptions['manifest']>;

/** The registration (manifest.json); listeners are checked against it when the app is created. */
export const manifest: Manifest = JSON.parse(readFileSync(new URL('../manifest.json', import.meta.url), 'utf8'));

/** The form the button opens: one text input, answered by the view listener below. */
const FEEDBACK_FORM = {
  type: 'MODAL' as const,
  callbackId: 'feedback',
  title: { type: 'plain_text' as const, text: 'Feedback' },
  submit: { type: 'plain_text' as const, text: 'Send' },
  blocks: [
    {
      type: 'input',
      blockId: 'comment',
      label: { type: 'plain_text', text: 'What do you think?' },
      element: { type: 'plain_text_input', onAction: 'comment_text' },
    },
  ],
};

/**
 * The app's listeners. Credentials left out of `options` are read from the environment
 * `switchboard dev` sets (SWITCHBOARD_SIGNING_SECRET, SWITCHBOARD_API_URL, ...).
 */
export function createBot(options: Omit<AppOptions, 'manifest'> = {}) {
  return (
    createApp({ manifest, ...options })
      .command('/echo', async (ctx) => {
        ctx.ack(`You said: ${ctx.payload.text}`);
        await ctx.say(ctx.payload.text);
      })
      // `/feedback`: a message with a button.
      .command('/feedback', async (ctx) => {
        ctx.ack();
        await ctx.say({
          text: 'How are we doing?',
          blocks: [
            { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Give feedback' }, onAction: 'open_feedback', value: 'open' }] },
          ],
        });
      })
      // The button opens the form as a modal.
      .action('open_feedback', (ctx) => ctx.openModal(FEEDBACK_FORM))
      // Submitting the form: an empty comment keeps it open with an error; else thanks in the channel.
      .view({ callbackId: 'feedback', viewActionType: 'SUBMIT' }, async (ctx) => {
        const comment = ctx.payload.view.state?.values.comment?.comment_text;
        if (!comment) return ctx.showErrors({ comment: 'Write something first.' });
        ctx.ack();
        await ctx.say(`Thanks for the feedback: ${String(comment)}`);
      })
      .event('NEW_MESSAGE', { match: /^ping$/i }, async (ctx) => {
        await ctx.reply('pong');
      })
  );
}
