import { startTestKit, type TestKit } from '@switchboard/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEchoBot, manifest } from './index.js';

describe('examples/echo-bot against the real platform', () => {
  let t: TestKit;
  beforeAll(async () => {
    t = await startTestKit({ manifest, app: (options) => createEchoBot(options) });
  });
  afterAll(() => t?.stop());

  it('answers /echo privately and says the text in the channel', async () => {
    const result = await t.as('alice').post('#general', '/echo hello there');
    expect(result.outcome).toBe('acked');
    const ack = await t.waitForMessage({ from: t.bot, ephemeral: true, seenBy: 'alice' });
    expect(ack.text).toBe('You said: hello there');
    // bob sees the channel message, never alice's ephemeral answer.
    const said = await t.waitForMessage({ from: t.bot, channel: '#general', text: 'hello there', ephemeral: false, seenBy: 'bob' });
    expect(said.channelId).toBe(await t.as('alice').channelId('#general'));
    await expect(t.waitForMessage({ ephemeral: true, seenBy: 'bob', timeoutMs: 300 })).rejects.toThrow(/no message matching/);
  });

  it("bob's /echo is answered to bob", async () => {
    await t.as('bob').post('#general', '/echo from bob');
    const ack = await t.waitForMessage({ from: t.bot, ephemeral: true, text: /from bob/, seenBy: 'bob' });
    expect(ack.text).toBe('You said: from bob');
    await t.waitForMessage({ from: t.bot, text: 'from bob', ephemeral: false, seenBy: 'alice' });
  });
});
