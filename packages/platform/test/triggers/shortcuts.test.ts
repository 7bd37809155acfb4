import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appCall, exchangeCode, grantCode, registerApp, testManifest } from '../apps/oauth-dance.js';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { AppReceiver } from './app-receiver.js';
import { type InteractiveApp, installInteractiveApp, listenAs } from './trigger-setup.js';

interface Result {
  outcome: string;
  triggerId: string;
  appId: string;
  view?: { id: string; rootId: string; parentId: string | null; view: { callbackId?: string; blocks: unknown[]; state: unknown } };
}

const TRIGGER_TIMEOUT_MS = 400;

for (const dialect of await dialects()) {
  describe(`shortcuts (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let bob: Session;
    let receiver: AppReceiver;
    let it_: InteractiveApp;

    beforeAll(async () => {
      t = await startPlatform({ dialect, config: { triggerTimeoutMs: TRIGGER_TIMEOUT_MS } });
      alice = await login(t.url, 'alice@example.com');
      bob = await login(t.url, 'bob@example.com');
      receiver = new AppReceiver(() => it_.app.signingSecret);
      it_ = await installInteractiveApp(t.url, alice, await receiver.start());
    });
    afterAll(async () => {
      await t?.stop();
      await receiver?.stop();
    });

    const invoke = (who: Session, body: unknown) => call<Result & { code?: string }>(t.url, who.token, 'POST', '/v1/shortcuts/invoke', body);

    it('lists GLOBAL shortcuts in a channel and ON_MESSAGE ones on a visible message only', async () => {
      const global = await call<{ shortcuts: unknown[] }>(t.url, alice.token, 'GET', `/v1/shortcuts?channelId=${it_.general}`);
      expect(global.status).toBe(200);
      expect(global.body.shortcuts).toEqual([
        { appId: it_.app.id, appName: 'Interactive Bot', shortcutType: 'GLOBAL', name: 'say_hi', displayName: 'Say Hi', description: 'Greets' },
      ]);
      const posted = await call<{ id: string }>(t.url, bob.token, 'POST', `/v1/channels/${it_.general}/messages`, { text: 'quote me' });
      const onMessage = await call<{ shortcuts: unknown[] }>(t.url, alice.token, 'GET', `/v1/shortcuts?channelId=${it_.general}&messageId=${posted.body.id}`);
      expect(onMessage.body.shortcuts).toEqual([
        { appId: it_.app.id, appName: 'Interactive Bot', shortcutType: 'ON_MESSAGE', name: 'quote', displayName: 'Quote' },
      ]);
      // bob's private channel: alice sees neither the channel nor its messages.
      const secret = await call<{ channel: { id: string } }>(t.url, bob.token, 'POST', '/v1/channels', { name: 'bob-only', type: 'PRIVATE' });
      const hidden = await call<{ id: string }>(t.url, bob.token, 'POST', `/v1/channels/${secret.body.channel.id}/messages`, { text: 'hidden' });
      const denied = await call<{ code: string }>(t.url, alice.token, 'GET', `/v1/shortcuts?channelId=${secret.body.channel.id}&messageId=${hidden.body.id}`);
      expect([denied.status, denied.body.code]).toEqual([404, 'not_found']);
      expect((await invoke(alice, { appId: it_.app.id, name: 'quote', channelId: secret.body.channel.id, messageId: hidden.body.id })).status).toBe(404);
      expect((await call(t.url, alice.token, 'GET', '/v1/shortcuts')).status).toBe(400);
    });

    it('GLOBAL: the exact signed SHORTCUT payload with a fresh triggerId; the ack message reaches only that person', async () => {
      const aliceWs = await listenAs(t.url, alice.token);
      const bobWs = await listenAs(t.url, bob.token);
      receiver.answer = () => ({ status: 200, body: { message: 'hi alice' } });
      const first = await invoke(alice, { appId: it_.app.id, name: 'say_hi', channelId: it_.general });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ outcome: 'acked', triggerId: expect.any(String), appId: it_.app.id });
      const got = await receiver.waitFor((r) => r.body.triggerId === first.body.triggerId);
      expect(got.path).toBe('/shortcut');
      expect(got.body).toEqual({
        messageType: 'SHORTCUT',
        type: 'GLOBAL',
        shortcut: 'say_hi',
        userId: alice.workspaceUserId,
        channelId: it_.general,
        workspaceId: alice.workspaceId,
        triggerId: first.body.triggerId,
      });
      expect(Object.keys(got.body)).toEqual(['messageType', 'type', 'shortcut', 'userId', 'channelId', 'workspaceId', 'triggerId']);
      const eph = await aliceWs.next((f) => f.type === 'message.ephemeral');
      expect(eph.data.message).toMatchObject({ text: 'hi alice', author: it_.botId, ephemeral: true, channelId: it_.general });
      const second = await invoke(alice, { appId: it_.app.id, name: 'say_hi', channelId: it_.general });
      expect(second.body.triggerId).not.toBe(first.body.triggerId);
      await aliceWs.next((f) => f.type === 'message.ephemeral');
      expect(bobWs.frames.filter((f) => f.type === 'message.ephemeral')).toEqual([]);
      expect(receiver.rejected).toEqual([]);
      aliceWs.close();
      bobWs.close();
    });

    it('ON_MESSAGE carries messageId; a thread root goes with GLOBAL only', async () => {
      receiver.answer = () => ({ status: 200, body: {} });
      const posted = await call<{ id: string }>(t.url, bob.token, 'POST', `/v1/channels/${it_.general}/messages`, { text: 'to quote' });
      const res = await invoke(alice, { appId: it_.app.id, name: 'quote', channelId: it_.general, messageId: posted.body.id });
      expect(res.body.outcome).toBe('acked');
      const got = await receiver.waitFor((r) => r.body.triggerId === res.body.triggerId);
      expect(got.body).toEqual({
        messageType: 'SHORTCUT',
        type: 'ON_MESSAGE',
        shortcut: 'quote',
        messageId: posted.body.id,
        userId: alice.workspaceUserId,
        channelId: it_.general,
        workspaceId: alice.workspaceId,
        triggerId: res.body.triggerId,
      });
      const inThread = await invoke(alice, { appId: it_.app.id, name: 'say_hi', channelId: it_.general, threadRootId: posted.body.id });
      expect((await receiver.waitFor((r) => r.body.triggerId === inThread.body.triggerId)).body.threadRootId).toBe(posted.body.id);
    });

    it('documents every interaction route in /openapi.json from its zod schemas', async () => {
      const spec = (await (await fetch(`${t.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
      for (const path of [
        '/v1/shortcuts/invoke',
        '/v1/interactions/blocks',
        '/v1/interactions/menus',
        '/v1/views/{viewId}/submit',
        '/v1/interactions/complete',
      ]) {
        expect(spec.paths[path]?.post?.requestBody, path).toBeDefined();
      }
      expect(spec.paths['/v1/shortcuts']?.get).toBeDefined();
    });

    it('refuses bad input with 4xx codes and app tokens with 403', async () => {
      const posted = await call<{ id: string }>(t.url, bob.token, 'POST', `/v1/channels/${it_.general}/messages`, { text: 'x' });
      const cases: [unknown, number, string][] = [
        [{ appId: it_.app.id, name: 'nope', channelId: it_.general }, 404, 'not_found'],
        [{ appId: 'no-such-app', name: 'say_hi', channelId: it_.general }, 404, 'not_found'],
        [{ appId: it_.app.id, name: 'say_hi', channelId: it_.general, messageId: posted.body.id }, 400, 'validation_failed'],
        [{ appId: it_.app.id, name: 'quote', channelId: it_.general }, 400, 'validation_failed'],
        [{ appId: it_.app.id, name: 'quote', channelId: it_.general, messageId: posted.body.id, threadRootId: posted.body.id }, 400, 'validation_failed'],
        [{ appId: it_.app.id, name: 'quote', channelId: it_.general, messageId: 'ffffffffffffffffffffffff' }, 404, 'not_found'],
        [{ appId: it_.app.id, name: 'say_hi', channelId: 'no-such-channel' }, 404, 'not_found'],
        [{ appId: it_.app.id, name: 'say_hi' }, 400, 'validation_failed'],
      ];
      for (const [body, status, code] of cases) {
        const res = await invoke(alice, body);
        expect([res.status, res.body.code], JSON.stringify(body)).toEqual([status, code]);
      }
      const asApp = await appCall<{ code: string }>(t.url, it_.botToken, it_.app.appKey, 'POST', '/v1/shortcuts/invoke', {
        appId: it_.app.id,
        name: 'say_hi',
        channelId: it_.general,
      });
      expect([asApp.status, asApp.body.code]).toEqual([403, 'forbidden']);
      expect((await fetch(`${t.url}/v1/shortcuts?channelId=${it_.general}`)).status).toBe(401);
    });

    it('shows the offline message on a 500 and on no answer within the deadline; a nack message as is', async () => {
      const aliceWs = await listenAs(t.url, alice.token);
      receiver.answer = () => ({ status: 500, body: { message: 'stack trace' } });
      expect((await invoke(alice, { appId: it_.app.id, name: 'say_hi', channelId: it_.general })).body.outcome).toBe('offline');
      expect((await aliceWs.next((f) => f.type === 'message.ephemeral')).data.message).toMatchObject({ text: 'Interactive Bot is down', author: it_.botId });
      receiver.answer = () => ({ status: 200, body: { message: 'too late' }, delayMs: TRIGGER_TIMEOUT_MS + 300 });
      const started = Date.now();
      expect((await invoke(alice, { appId: it_.app.id, name: 'say_hi', channelId: it_.general })).body.outcome).toBe('offline');
      expect(Date.now() - started).toBeLessThan(TRIGGER_TIMEOUT_MS + 250);
      expect((await aliceWs.next((f) => f.type === 'message.ephemeral')).data.message?.text).toBe('Interactive Bot is down');
      receiver.answer = () => ({ status: 403, body: { message: 'not for you' } });
      expect((await invoke(alice, { appId: it_.app.id, name: 'say_hi', channelId: it_.general })).body.outcome).toBe('nacked');
      expect((await aliceWs.next((f) => f.type === 'message.ephemeral')).data.message?.text).toBe('not for you');
      aliceWs.close();
    });

    it('refused connection → offline (default sentence naming the app when the manifest has none)', async () => {
      const down = await registerApp(
        t.url,
        alice,
        testManifest({
          name: 'down_shortcuts',
          displayName: 'Down App',
          slashCommands: [],
          shortcuts: [{ shortcutType: 'GLOBAL', name: 'ping', displayName: 'Ping', url: 'http://127.0.0.1:9/shortcut' }],
          welcomeMessage: null,
        }),
      );
      await exchangeCode(t.url, { 'client-id': down.id, 'client-secret': down.clientSecret, code: await grantCode(t.url, alice, down) });
      const aliceWs = await listenAs(t.url, alice.token);
      expect((await invoke(alice, { appId: down.id, name: 'ping', channelId: it_.general })).body.outcome).toBe('offline');
      expect((await aliceWs.next((f) => f.type === 'message.ephemeral')).data.message?.text).toMatch(/^Down App is not responding/);
      aliceWs.close();
    });

    it('a modal reply opens a view for that person, stored with its app, user, callbackId, blocks and state', async () => {
      const aliceWs = await listenAs(t.url, alice.token);
      const blocks = [{ type: 'input', blockId: 'name_block', element: { type: 'plain_text_input', onAction: 'name' }, label: 'Name' }];
      receiver.answer = (r) => ({
        status: 200,
        body: { triggerId: r.body.triggerId, viewType: 'NATIVE', action: 'OPEN', view: { type: 'MODAL', callbackId: 'greet', title: 'Greet', blocks } },
      });
      const res = await invoke(alice, { appId: it_.app.id, name: 'say_hi', channelId: it_.general });
      expect(res.body.outcome).toBe('acked');
      const view = res.body.view;
      expect(view).toMatchObject({
        appId: it_.app.id,
        parentId: null,
        view: { type: 'MODAL', callbackId: 'greet', title: 'Greet', blocks, state: { values: {} } },
      });
      expect(view?.rootId).toBe(view?.id);
      expect((await aliceWs.next((f) => f.type === 'view.opened')).data).toEqual({ view });
      const row = await t.platform.services.store.db
        .selectFrom('trigger_views')
        .selectAll()
        .where('id', '=', view?.id ?? '')
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ app_id: it_.app.id, user_id: alice.workspaceUserId, callback_id: 'greet', channel_id: it_.general, closed_at: null });
      expect(JSON.parse(row.view).blocks).toEqual(blocks);
      // Only alice can see it.
      expect((await call(t.url, alice.token, 'GET', `/v1/views/${view?.id}`)).status).toBe(200);
      expect((await call(t.url, bob.token, 'GET', `/v1/views/${view?.id}`)).status).toBe(404);
      aliceWs.close();
    });

    it('a slash command may answer with a modal too (same reply handling)', async () => {
      receiver.answer = (r) => ({
        status: 200,
        body: { triggerId: r.body.triggerId, viewType: 'NATIVE', action: 'OPEN', view: { type: 'MODAL', callbackId: 'asked', blocks: [] } },
      });
      const res = await call<Result & { slashCommand: string }>(t.url, alice.token, 'POST', `/v1/channels/${it_.general}/messages`, { text: '/ask what' });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ slashCommand: '/ask', outcome: 'acked', appId: it_.app.id, view: { parentId: null, view: { callbackId: 'asked' } } });
      expect((await receiver.waitFor((r) => r.body.triggerId === res.body.triggerId)).body).toMatchObject({ messageType: 'SLASH_COMMAND', text: 'what' });
    });

    it('a malformed modal reply, or one with another triggerId, is invalid_reply for the person, never a 5xx', async () => {
      const aliceWs = await listenAs(t.url, alice.token);
      receiver.answer = (r) => ({ status: 200, body: { triggerId: r.body.triggerId, viewType: 'NATIVE', action: 'OPEN', view: { blocks: 'no' } } });
      const bad = await invoke(alice, { appId: it_.app.id, name: 'say_hi', channelId: it_.general });
      expect([bad.status, bad.body.outcome]).toEqual([200, 'invalid_reply']);
      expect((await aliceWs.next((f) => f.type === 'message.ephemeral')).data.message?.text).toMatch(/cannot show/);
      receiver.answer = () => ({ status: 200, body: { triggerId: 'other', viewType: 'NATIVE', action: 'OPEN', view: { type: 'MODAL', blocks: [] } } });
      expect((await invoke(alice, { appId: it_.app.id, name: 'say_hi', channelId: it_.general })).body.outcome).toBe('invalid_reply');
      receiver.answer = (r) => ({
        status: 200,
        body: { triggerId: r.body.triggerId, viewType: 'NATIVE', action: 'UPDATE', view: { type: 'MODAL', blocks: [] } },
      });
      expect((await invoke(alice, { appId: it_.app.id, name: 'say_hi', channelId: it_.general })).body.outcome).toBe('invalid_reply');
      aliceWs.close();
    });
  });
}

describe('person-started triggers are rate limited per person', () => {
  it('answers 429 with Retry-After past the per-minute budget, counting each person apart', async () => {
    const t = await startPlatform({ config: { triggerRateLimitPerMinute: 3 } });
    try {
      const alice = await login(t.url, 'alice@example.com');
      const bob = await login(t.url, 'bob@example.com');
      const body = { appId: 'none', name: 'x', channelId: 'none' };
      for (let i = 0; i < 3; i++) expect((await call(t.url, alice.token, 'POST', '/v1/shortcuts/invoke', body)).status).toBe(404);
      const limited = await fetch(`${t.url}/v1/shortcuts/invoke`, {
        method: 'POST',
        headers: { authtoken: alice.token, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await limited.json()) as { code: string }).code).toBe('rate_limited');
      expect((await call(t.url, bob.token, 'POST', '/v1/shortcuts/invoke', body)).status).toBe(404);
      // Listing does not call apps and is not limited.
      expect((await call(t.url, alice.token, 'GET', '/v1/shortcuts?channelId=none')).status).toBe(404);
    } finally {
      await t.stop();
    }
  });
});
