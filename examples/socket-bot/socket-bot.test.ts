import { SocketReceiver } from '@switchboard/sdk';
import { startTestKit, type TestKit } from '@switchboard/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocketBot, manifest } from './index.js';

describe('examples/socket-bot against the real platform (socket mode)', () => {
  let t: TestKit;
  let receiver: SocketReceiver | undefined;

  beforeAll(async () => {
    t = await startTestKit({
      manifest,
      app: (options, { appId }) => {
        receiver = new SocketReceiver({ appId, appKey: options.appKey, baseUrl: options.apiBaseUrl, backoff: { initialMs: 50, maxMs: 500 } });
        const { manifest: _ignored, ...rest } = options;
        return createSocketBot(rest, receiver);
      },
    });
    await receiver?.whenOpen();
  });
  afterAll(() => t?.stop());

  it('has no HTTP server of its own', () => {
    expect(t.appUrl).toBeUndefined();
    expect(receiver?.status).toBe('open');
  });

  it('answers a slash command over the socket', async () => {
    expect((await t.as('alice').post('#general', '/shout quiet please')).outcome).toBe('acked');
    await t.waitForMessage({ from: t.bot, ephemeral: true, seenBy: 'alice', text: 'QUIET PLEASE' });
  });

  it('receives NEW_MESSAGE over the socket and replies in the thread', async () => {
    const { message } = await t.as('bob').post('#general', 'ping');
    const pong = await t.waitForMessage({ from: t.bot, channel: '#general', text: 'pong', seenBy: 'bob' });
    expect(pong.threadReplyInfo?.rootId).toBe(message?.id);
  });
});
