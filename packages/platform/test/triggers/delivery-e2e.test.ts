import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeCode, grantCode, type RegisteredApp, registerApp, testManifest } from '../apps/oauth-dance.js';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { listenRealtime as listen } from '../realtime-client.js';
import { AppReceiver } from './app-receiver.js';

for (const dialect of await dialects()) {
  describe(`delivery: slash commands and events end to end (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let bob: Session;
    let app: RegisteredApp;
    let receiver: AppReceiver;
    let general: string;
    let botId: string;

    beforeAll(async () => {
      t = await startPlatform({ dialect });
      alice = await login(t.url, 'alice@example.com');
      bob = await login(t.url, 'bob@example.com');
      receiver = new AppReceiver(() => app.signingSecret);
      const base = await receiver.start();
      app = await registerApp(
        t.url,
        alice,
        testManifest({
          slashCommands: [{ command: '/echo', url: `${base}/slash` }],
          eventSubscriptions: { url: `${base}/events`, events: ['NEW_MESSAGE', 'REACTION_ADDED', 'APP_UNINSTALLED'] },
          offlineMessage: 'Echo is down',
          scopes: { botScopes: ['messages:read', 'messages:write', 'reaction:read'], userScopes: ['messages:read'] },
          welcomeMessage: null,
        }),
      );
      const tokens = await exchangeCode(t.url, {
        'client-id': app.id,
        'client-secret': app.clientSecret,
        code: await grantCode(t.url, alice, app, { scopes: 'messages:read,bot:messages:read,bot:messages:write,bot:reaction:read' }),
      });
      botId = tokens.body.botId;
      const channels = await call<{ channel: { id: string; name: string } }[]>(t.url, alice.token, 'GET', '/v1/channels');
      general = channels.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
    });
    afterAll(async () => {
      await t?.stop();
      await receiver?.stop();
    });

    it('a slash command reaches the app signed, and its answer reaches only the person', async () => {
      const aliceWs = await listen(t.url, alice.token);
      receiver.answer = (r) => ({ status: 200, body: { message: `you said ${(r.body as { text: string }).text}` } });
      const res = await call<{ outcome: string; triggerId: string }>(t.url, alice.token, 'POST', `/v1/channels/${general}/messages`, {
        text: '/echo hello world',
      });
      expect(res.status).toBe(202);
      expect(res.body.outcome).toBe('acked');
      const got = await receiver.waitFor((r) => r.path === '/slash');
      expect(got.body).toMatchObject({
        messageType: 'SLASH_COMMAND',
        slashCommand: '/echo',
        text: 'hello world',
        userId: alice.workspaceUserId,
        channelId: general,
        workspaceId: alice.workspaceId,
        triggerId: res.body.triggerId,
      });
      const eph = await aliceWs.next((f) => f.type === 'message.ephemeral');
      expect(eph.data.message).toMatchObject({ text: 'you said hello world', author: botId, ephemeral: true });
      const history = await call<{ messages: { text: string }[] }>(t.url, alice.token, 'GET', `/v1/channels/${general}/messages`);
      expect(history.body.messages.some((m) => m.text.startsWith('/echo'))).toBe(false);
      aliceWs.close();
    });

    it('shows the offline message on a 500, a timeout and a refused connection; unknown commands say so', async () => {
      const aliceWs = await listen(t.url, alice.token);
      receiver.answer = () => ({ status: 500 });
      expect((await call<{ outcome: string }>(t.url, alice.token, 'POST', `/v1/channels/${general}/messages`, { text: '/echo a' })).body.outcome).toBe(
        'offline',
      );
      expect((await aliceWs.next((f) => f.type === 'message.ephemeral')).data.message?.text).toBe('Echo is down');
      receiver.answer = () => ({ status: 200, body: {}, delayMs: 3500 });
      const started = Date.now();
      expect((await call<{ outcome: string }>(t.url, alice.token, 'POST', `/v1/channels/${general}/messages`, { text: '/echo slow' })).body.outcome).toBe(
        'offline',
      );
      expect(Date.now() - started).toBeLessThan(3400);
      expect((await aliceWs.next((f) => f.type === 'message.ephemeral')).data.message?.text).toBe('Echo is down');
      receiver.answer = () => ({ status: 400, body: { message: 'bad input' } });
      expect((await call<{ outcome: string }>(t.url, alice.token, 'POST', `/v1/channels/${general}/messages`, { text: '/echo x' })).body.outcome).toBe(
        'nacked',
      );
      expect((await aliceWs.next((f) => f.type === 'message.ephemeral')).data.message?.text).toBe('bad input');
      const unknown = await call<{ outcome: string }>(t.url, alice.token, 'POST', `/v1/channels/${general}/messages`, { text: '/nope x' });
      expect(unknown.body.outcome).toBe('unknown');
      expect((await aliceWs.next((f) => f.type === 'message.ephemeral')).data.message?.text).toMatch(/No app .* \/nope/);
      aliceWs.close();
    }, 15_000);

    it('refused connection → offline', async () => {
      const down = await registerApp(
        t.url,
        alice,
        testManifest({
          name: 'down_app',
          slashCommands: [{ command: '/down', url: 'http://127.0.0.1:9/slash' }],
          eventSubscriptions: { url: 'http://127.0.0.1:9/events', events: ['NEW_MESSAGE'] },
          welcomeMessage: null,
        }),
      );
      await exchangeCode(t.url, { 'client-id': down.id, 'client-secret': down.clientSecret, code: await grantCode(t.url, alice, down) });
      expect((await call<{ outcome: string }>(t.url, alice.token, 'POST', `/v1/channels/${general}/messages`, { text: '/down' })).body.outcome).toBe('offline');
    });

    it('delivers NEW_MESSAGE events signed, with the people who can see them, and honours private channels', async () => {
      receiver.answer = () => ({ status: 200, body: {} });
      const posted = await call<{ id: string }>(t.url, bob.token, 'POST', `/v1/channels/${general}/messages`, { text: 'public news' });
      const event = await receiver.waitFor((r) => r.path === '/events' && JSON.parse(String(r.body.body)).mId === posted.body.id);
      expect(event.body).toMatchObject({ messageType: 'PUMBLE_EVENT', eventType: 'NEW_MESSAGE', workspaceId: alice.workspaceId });
      expect(event.body.workspaceUserIds).toEqual(expect.arrayContaining([botId, alice.workspaceUserId]));
      expect(JSON.parse(String(event.body.body))).toMatchObject({ tx: 'public news', aId: bob.workspaceUserId, cId: general, trId: '' });
      expect(event.headers['x-switchboard-delivery-id']).toBeTruthy();
      // bob's private channel: neither the bot nor alice is in it → no event.
      const secret = await call<{ channel: { id: string } }>(t.url, bob.token, 'POST', '/v1/channels', { name: 'bobs-secret', type: 'PRIVATE' });
      const hidden = await call<{ id: string }>(t.url, bob.token, 'POST', `/v1/channels/${secret.body.channel.id}/messages`, { text: 'hidden' });
      const marker = await call<{ id: string }>(t.url, bob.token, 'POST', `/v1/channels/${general}/messages`, { text: 'after' });
      await receiver.waitFor((r) => r.path === '/events' && JSON.parse(String(r.body.body)).mId === marker.body.id);
      expect(receiver.received.some((r) => r.path === '/events' && JSON.parse(String(r.body.body)).mId === hidden.body.id)).toBe(false);
      expect(receiver.rejected).toEqual([]);
    });

    it('records and delivers APP_UNINSTALLED', async () => {
      expect((await call(t.url, alice.token, 'DELETE', `/v1/apps/${app.id}/installation`)).status).toBe(204);
      const got = await receiver.waitFor((r) => r.body.eventType === 'APP_UNINSTALLED');
      expect(got.body.messageType).toBe('APP_EVENT');
    });
  });
}
