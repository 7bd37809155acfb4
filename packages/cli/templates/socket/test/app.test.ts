import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SocketReceiver } from '@switchboard/sdk';
import { startTestKit, type TestKit } from '@switchboard/sdk/testing';
import { createBot, manifest } from '../src/app.js';

// A real Switchboard platform in this process (temporary SQLite), the app registered from its
// manifest and installed in the demo workspace by alice; bob and alice post as people would.
let t: TestKit;
before(async () => {
  t = await startTestKit({
    manifest,
    // The receiver connects to the kit's platform with the fresh registration's id and key.
    app: (options, { appId }) => createBot({ ...options, receiver: new SocketReceiver({ appId, appKey: options.appKey, baseUrl: options.apiBaseUrl }) }),
  });
});
after(() => t?.stop());

test('/echo answers privately, then says the text in the channel', async () => {
  const result = await t.as('alice').post('#general', '/echo hello there');
  assert.equal(result.outcome, 'acked');
  const ack = await t.waitForMessage({ from: t.bot, ephemeral: true, seenBy: 'alice' });
  assert.equal(ack.text, 'You said: hello there');
  await t.waitForMessage({ from: t.bot, channel: '#general', text: 'hello there', ephemeral: false, seenBy: 'bob' });
});

test('"ping" is answered with "pong" in its thread', async () => {
  const posted = await t.as('bob').post('#general', 'ping');
  assert.equal(posted.status, 201);
  const pong = await t.waitForMessage({ from: t.bot, text: 'pong', seenBy: 'bob' });
  assert.ok(pong.threadReplyInfo, 'the answer is a reply in the thread of "ping"');
});
