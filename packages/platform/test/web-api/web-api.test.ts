import type { ChannelInfo } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allScopes, exchangeCode, grantCode, REDIRECT, registerApp, testManifest } from '../apps/oauth-dance.js';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';

interface Sidebar {
  channels: ChannelInfo[];
  unread: { channelId: string; unread: number; lastReadAt: number }[];
}

interface WebApps {
  canManage: boolean;
  apps: {
    id: string;
    installed: boolean;
    authorizedByMe: boolean;
    mine: boolean;
    bot: { userId: string; name: string; title: string | null } | null;
    botScopes: { scope: string; description: string }[];
    userScopes: { scope: string; description: string }[];
    slashCommands: { command: string; appName: string }[];
    installUrl: string | null;
    reinstallUrl: string | null;
  }[];
}

for (const dialect of await dialects()) {
  describe(`the chat page's routes, /v1/web (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let bob: Session;
    let general: string;

    beforeAll(async () => {
      t = await startPlatform({ dialect });
      alice = await login(t.url, 'alice@example.com');
      bob = await login(t.url, 'bob@example.com');
      const list = await call<ChannelInfo[]>(t.url, alice.token, 'GET', '/v1/channels');
      general = list.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
    });
    afterAll(async () => t?.stop());

    const unreadOf = async (who: Session, channelId: string) =>
      (await call<Sidebar>(t.url, who.token, 'GET', '/v1/web/sidebar')).body.unread.find((u) => u.channelId === channelId)?.unread;

    it('counts unread messages from others, not replies, and the read mark only moves forward', async () => {
      const channel = (await call<ChannelInfo>(t.url, alice.token, 'POST', '/v1/channels', { name: `unread-${dialect}` })).body.channel.id;
      expect((await call(t.url, bob.token, 'POST', `/v1/channels/${channel}/join`)).status).toBeLessThan(300);
      expect(await unreadOf(bob, channel)).toBe(0);
      const first = await call<{ id: string; timestampMilli: number }>(t.url, alice.token, 'POST', `/v1/channels/${channel}/messages`, { text: 'one' });
      await call(t.url, alice.token, 'POST', `/v1/channels/${channel}/messages`, { text: 'two' });
      await call(t.url, alice.token, 'POST', `/v1/channels/${channel}/messages/${first.body.id}`, { text: 'a reply' });
      await call(t.url, bob.token, 'POST', `/v1/channels/${channel}/messages`, { text: 'bob’s own' });
      expect(await unreadOf(bob, channel)).toBe(2);
      expect(await unreadOf(alice, channel)).toBe(1);

      expect((await call(t.url, bob.token, 'PUT', `/v1/web/channels/${channel}/read`, { timestampMilli: first.body.timestampMilli })).status).toBe(204);
      expect(await unreadOf(bob, channel)).toBe(1);
      expect((await call(t.url, bob.token, 'PUT', `/v1/web/channels/${channel}/read`, { timestampMilli: Date.now() })).status).toBe(204);
      expect(await unreadOf(bob, channel)).toBe(0);
      // A late mark from another tab does not bring messages back.
      await call(t.url, bob.token, 'PUT', `/v1/web/channels/${channel}/read`, { timestampMilli: 0 });
      expect(await unreadOf(bob, channel)).toBe(0);
      const unread = await call<{ channels: { channelId: string }[] }>(t.url, bob.token, 'GET', '/v1/web/unread');
      expect(unread.body.channels.some((c) => c.channelId === channel)).toBe(true);
    });

    it('the sidebar lists direct channels with their people; read marks need access to the channel', async () => {
      const direct = await call<ChannelInfo>(t.url, alice.token, 'POST', '/v1/channels/direct', { participantIds: [bob.workspaceUserId] });
      const sidebar = await call<Sidebar>(t.url, alice.token, 'GET', '/v1/web/sidebar');
      const listed = sidebar.body.channels.find((c) => c.channel.id === direct.body.channel.id);
      expect(listed?.users?.sort()).toEqual([alice.workspaceUserId, bob.workspaceUserId].sort());
      const secret = (await call<ChannelInfo>(t.url, alice.token, 'POST', '/v1/channels', { name: `secret-${dialect}`, type: 'PRIVATE' })).body.channel.id;
      expect((await call(t.url, bob.token, 'PUT', `/v1/web/channels/${secret}/read`, { timestampMilli: 1 })).status).toBeGreaterThanOrEqual(403);
      expect((await call(t.url, bob.token, 'PUT', `/v1/web/channels/${general}/read`, { timestampMilli: -1 })).status).toBe(400);
    });

    it('Configure Apps lists installed and own apps with bot, scopes in plain words, commands and install links', async () => {
      const app = await registerApp(t.url, alice, testManifest({ helpUrl: 'https://app.example.com/help' }));
      let apps = (await call<WebApps>(t.url, alice.token, 'GET', '/v1/web/apps')).body;
      const before = apps.apps.find((a) => a.id === app.id);
      expect(apps.canManage).toBe(true);
      expect(before).toMatchObject({ installed: false, mine: true, authorizedByMe: false, bot: null });
      expect(before?.installUrl).toMatch(/^\/access-request\?/);
      const consent = new URLSearchParams(before?.installUrl?.split('?')[1]);
      expect(Object.fromEntries(consent)).toMatchObject({ clientId: app.id, redirectUrl: REDIRECT, scopes: allScopes });
      expect(new URLSearchParams(before?.reinstallUrl?.split('?')[1]).get('isReinstall')).toBe('true');
      // Bob sees neither alice's unpublished app nor a command of it.
      expect((await call<WebApps>(t.url, bob.token, 'GET', '/v1/web/apps')).body.apps.some((a) => a.id === app.id)).toBe(false);
      expect((await call<unknown[]>(t.url, bob.token, 'GET', '/v1/web/commands')).body).toEqual([]);

      const code = await grantCode(t.url, alice, app);
      expect((await exchangeCode(t.url, { 'client-id': app.id, 'client-secret': app.clientSecret, code })).status).toBe(200);
      apps = (await call<WebApps>(t.url, bob.token, 'GET', '/v1/web/apps')).body;
      const installed = apps.apps.find((a) => a.id === app.id);
      expect(apps.canManage).toBe(false);
      expect(installed).toMatchObject({ installed: true, mine: false, authorizedByMe: false, bot: { name: 'Echo Bot', title: 'Repeats things' } });
      expect(installed?.botScopes).toContainEqual({ scope: 'messages:write', description: 'Post messages' });
      expect(installed?.userScopes.map((s) => s.scope)).toEqual(['messages:read', 'messages:write', 'user:read']);
      expect((await call<WebApps>(t.url, alice.token, 'GET', '/v1/web/apps')).body.apps.find((a) => a.id === app.id)?.authorizedByMe).toBe(true);
      const commands = await call<{ command: string; appName: string; appId: string }[]>(t.url, bob.token, 'GET', '/v1/web/commands');
      expect(commands.body).toEqual([{ command: '/echo', description: 'Echo', usageHint: null, appId: app.id, appName: 'Echo Bot' }]);
    });

    it('is for people: anonymous callers get 401, app tokens 403', async () => {
      expect((await fetch(`${t.url}/v1/web/apps`)).status).toBe(401);
      const app = await registerApp(t.url, alice, testManifest({ name: `other_${dialect}` }));
      const code = await grantCode(t.url, alice, app);
      const tokens = await exchangeCode(t.url, { 'client-id': app.id, 'client-secret': app.clientSecret, code });
      const asApp = await fetch(`${t.url}/v1/web/sidebar`, { headers: { token: tokens.body.botToken, 'x-app-token': app.appKey } });
      expect(asApp.status).toBe(403);
    });
  });
}
