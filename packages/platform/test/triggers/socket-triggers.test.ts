import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appCall } from '../apps/oauth-dance.js';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { RawSocketApp } from '../socket/socket-app.js';
import { type InteractiveApp, installInteractiveApp, listenAs } from './trigger-setup.js';

interface Result {
  outcome: string;
  triggerId: string;
  view?: { id: string; view: { callbackId?: string } };
}

for (const dialect of await dialects()) {
  describe(`triggers of socket-mode apps (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let it_: InteractiveApp;

    beforeAll(async () => {
      t = await startPlatform({ dialect, config: { triggerTimeoutMs: 400 } });
      alice = await login(t.url, 'alice@example.com');
      // The URLs are never called: a socket-mode app gets its triggers as frames.
      it_ = await installInteractiveApp(t.url, alice, 'https://unused.example', { name: 'socket_interactive', socketMode: true });
    });
    afterAll(async () => {
      await t?.stop();
    });

    it('a shortcut arrives as a frame and the binary reply opens a modal; a menu query gets its options', async () => {
      const sock = await RawSocketApp.connect(t.url, it_.app, {
        onFrame: (frame) => {
          const p = frame.payload;
          if (p.messageType === 'SHORTCUT')
            return {
              status: 200,
              body: { triggerId: p.triggerId, viewType: 'NATIVE', action: 'OPEN', view: { type: 'MODAL', callbackId: 'sock', blocks: [] } },
            };
          if (p.messageType === 'DYNAMIC_MENU')
            return { status: 200, body: { onAction: p.onAction, triggerId: p.triggerId, options: [{ text: 'x', value: 'x' }] } };
          if (p.messageType === 'BLOCK_INTERACTION') return { status: 200, message: 'clicked over the socket' };
          return undefined;
        },
      });
      try {
        const res = await call<Result>(t.url, alice.token, 'POST', '/v1/shortcuts/invoke', { appId: it_.app.id, name: 'say_hi', channelId: it_.general });
        expect(res.body).toMatchObject({ outcome: 'acked', view: { view: { callbackId: 'sock' } } });
        expect(sock.frames.map((f) => f.payload)).toEqual([
          {
            messageType: 'SHORTCUT',
            type: 'GLOBAL',
            shortcut: 'say_hi',
            userId: alice.workspaceUserId,
            channelId: it_.general,
            workspaceId: alice.workspaceId,
            triggerId: res.body.triggerId,
          },
        ]);
        const posted = await appCall<{ id: string }>(t.url, it_.botToken, it_.app.appKey, 'POST', `/v1/channels/${it_.general}/messages`, {
          text: 'pick',
          blocks: [
            {
              type: 'actions',
              elements: [
                { type: 'dynamic_select_menu', onAction: 'pick_project' },
                { type: 'button', onAction: 'b', value: 'v' },
              ],
            },
          ],
        });
        const source = { sourceType: 'MESSAGE', sourceId: posted.body.id, channelId: it_.general };
        const menu = await call(t.url, alice.token, 'POST', '/v1/interactions/menus', { ...source, onAction: 'pick_project', query: 'q' });
        expect(menu.body).toEqual({ options: [{ text: 'x', value: 'x' }] });
        const aliceWs = await listenAs(t.url, alice.token);
        const clicked = await call<Result>(t.url, alice.token, 'POST', '/v1/interactions/blocks', { ...source, onAction: 'b' });
        expect(clicked.body.outcome).toBe('acked');
        expect((await aliceWs.next((f) => f.type === 'message.ephemeral')).data.message?.text).toBe('clicked over the socket');
        expect(sock.frames.at(-1)?.payload).toMatchObject({ messageType: 'BLOCK_INTERACTION', onAction: 'b', payload: '{"value":"v"}' });
        aliceWs.close();
      } finally {
        sock.close();
      }
    });

    it('no connection, or no reply in time → the offline message', async () => {
      await new Promise((r) => setTimeout(r, 50));
      const aliceWs = await listenAs(t.url, alice.token);
      const none = await call<Result>(t.url, alice.token, 'POST', '/v1/shortcuts/invoke', { appId: it_.app.id, name: 'say_hi', channelId: it_.general });
      expect(none.body.outcome).toBe('offline');
      expect((await aliceWs.next((f) => f.type === 'message.ephemeral')).data.message?.text).toBe('Interactive Bot is down');
      const silent = await RawSocketApp.connect(t.url, it_.app);
      try {
        const started = Date.now();
        const res = await call<Result>(t.url, alice.token, 'POST', '/v1/shortcuts/invoke', { appId: it_.app.id, name: 'say_hi', channelId: it_.general });
        expect(res.body.outcome).toBe('offline');
        expect(Date.now() - started).toBeGreaterThanOrEqual(390);
        expect(silent.frames).toHaveLength(1);
      } finally {
        silent.close();
        aliceWs.close();
      }
    });
  });
}
