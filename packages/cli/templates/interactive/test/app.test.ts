import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestKit, type TestKit } from '@switchboard/sdk/testing';
import { createBot, manifest } from '../src/app.js';

// A real Switchboard platform in this process (temporary SQLite), the app registered from its
// manifest and installed in the demo workspace by alice; bob and alice post and click as people would.
let t: TestKit;
before(async () => {
  t = await startTestKit({ manifest, app: (options) => createBot(options) });
});
after(() => t?.stop());

test('/echo answers privately, then says the text in the channel', async () => {
  await t.as('alice').post('#general', '/echo hello there');
  const ack = await t.waitForMessage({ from: t.bot, ephemeral: true, seenBy: 'alice' });
  assert.equal(ack.text, 'You said: hello there');
});

test('/feedback posts a button; the button opens the form; submitting it thanks the person', async () => {
  const alice = t.as('alice');
  assert.equal((await alice.post('#general', '/feedback')).outcome, 'acked');
  const question = await t.waitForMessage({ from: t.bot, text: 'How are we doing?', ephemeral: false });
  const clicked = await alice.call('POST', '/v1/interactions/blocks', {
    sourceType: 'MESSAGE',
    sourceId: question.id,
    channelId: question.channelId,
    onAction: 'open_feedback',
  });
  const view = (clicked.body as { view?: { id: string } }).view;
  assert.ok(view, 'the click opened a view');
  const empty = await alice.call('POST', `/v1/views/${view.id}/submit`, { state: { values: {} } });
  assert.deepEqual((empty.body as { errors?: unknown }).errors, { comment: 'Write something first.' });
  await alice.call('POST', `/v1/views/${view.id}/submit`, { state: { values: { comment: { comment_text: 'great' } } } });
  await t.waitForMessage({ from: t.bot, text: 'Thanks for the feedback: great', seenBy: 'bob' });
});
