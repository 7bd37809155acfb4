import { PumbleMessage } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeCode, grantCode, REDIRECT } from '../apps/oauth-dance.js';
import { call, dialects, startPlatform, type TestPlatform } from '../harness.js';
import { listenRealtime } from '../realtime-client.js';
import { ALL_SCOPES, assertShape, createChannel, demoWorkspace, type InstalledApp, installApp, sdkCall, type Workspace } from './sdk-requests.js';

for (const dialect of await dialects()) {
  describe(`Pumble posting rules: a bot posts where Pumble lets it (${dialect})`, () => {
    let t: TestPlatform;
    let ws: Workspace;
    let app: InstalledApp;
    const asBot = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, data?: unknown) =>
      sdkCall<{ code?: string; id: string }>(t.url, app.botToken, app.app.appKey, { method, path, data });
    const members = async (channelId: string) =>
      (await t.platform.services.store.db.selectFrom('channel_members').select('user_id').where('channel_id', '=', channelId).execute()).map((r) => r.user_id);

    beforeAll(async () => {
      t = await startPlatform({ dialect });
      ws = await demoWorkspace(t);
      app = await installApp(t, ws.alice, 'poster', ALL_SCOPES);
    });
    afterAll(async () => t?.stop());

    it('posts, replies and sends ephemerals in a public channel it never joined, and stays out of it', async () => {
      expect(await members(ws.general)).not.toContain(app.botId);
      const bobPage = await listenRealtime(t.url, ws.bob.token);
      const posted = await asBot('POST', `/v1/channels/${ws.general}/messages`, { text: 'build passed' });
      expect(posted.status).toBe(201);
      assertShape(PumbleMessage, posted.body, 'post');
      const reply = await asBot('POST', `/v1/channels/${ws.general}/messages/${posted.body.id}`, { text: 'details' });
      expect(reply.status).toBe(201);
      // The page gets the same Pumble-shaped messages live.
      const live = await bobPage.next((f) => f.type === 'message.created' && f.data.message?.text === 'details');
      expect(assertShape(PumbleMessage, live.data.message, 'realtime reply').threadReplyInfo).toEqual({ rootId: posted.body.id });
      const rootUpdate = await call<{ threadRootInfo?: { repliesCount: number } }>(
        t.url,
        ws.bob.token,
        'GET',
        `/v1/channels/${ws.general}/messages/${posted.body.id}`,
      );
      expect(rootUpdate.body.threadRootInfo?.repliesCount).toBe(1);
      bobPage.close();
      const ephemeral = await asBot('POST', `/v1/channels/${ws.general}/messages`, { text: 'only you', ephemeral: { sendToUsers: [ws.bob.workspaceUserId] } });
      expect(ephemeral.status).toBe(201);
      expect(await members(ws.general)).not.toContain(app.botId);
      // People see it in history.
      const history = await call<{ messages: { id: string; author: string }[] }>(t.url, ws.bob.token, 'GET', `/v1/channels/${ws.general}/messages`);
      expect(history.body.messages.find((m) => m.id === posted.body.id)?.author).toBe(app.botId);
    });

    it('posts in a private channel and in a direct channel of two other people without being a member', async () => {
      const secret = await createChannel(t, ws.alice, 'secret-ops', 'PRIVATE', [ws.bob.workspaceUserId]);
      const inPrivate = await asBot('POST', `/v1/channels/${secret}/messages`, { text: 'deploy done' });
      expect(inPrivate.status, JSON.stringify(inPrivate.body)).toBe(201);
      expect(await members(secret)).not.toContain(app.botId);
      const seen = await call<{ messages: { id: string }[] }>(t.url, ws.bob.token, 'GET', `/v1/channels/${secret}/messages`);
      expect(seen.body.messages.map((m) => m.id)).toContain(inPrivate.body.id);

      const dm = await call<{ channel: { id: string } }>(t.url, ws.alice.token, 'POST', '/v1/channels/direct', { participantIds: [ws.bob.workspaceUserId] });
      const inDm = await asBot('POST', `/v1/channels/${dm.body.channel.id}/messages`, { text: 'reminder' });
      expect(inDm.status).toBe(201);
      const ephemeral = await asBot('POST', `/v1/channels/${dm.body.channel.id}/messages`, {
        text: 'psst',
        ephemeral: { sendToUsers: [ws.alice.workspaceUserId] },
      });
      expect(ephemeral.status).toBe(201);
      expect(await members(dm.body.channel.id)).toEqual(expect.not.arrayContaining([app.botId]));

      // Reading follows membership (messages:read): the bot cannot page through channels it is not in.
      expect((await asBot('GET', `/v1/channels/${secret}/messages`)).status).toBe(404);
      // And its own post there can still be deleted by it.
      expect((await asBot('DELETE', `/v1/channels/${secret}/messages/${inPrivate.body.id}`)).status).toBe(204);
    });

    it('never posts into another workspace, nor into an archived channel', async () => {
      const other = await t.platform.services.users.createWorkspace('Elsewhere', {
        email: 'zed@example.com',
        name: 'Zed',
        password: 'zed-password-1',
        role: 'owner',
      });
      const res = await asBot('POST', `/v1/channels/${other.generalId}/messages`, { text: 'x' });
      expect(res.status).toBe(404);
      const old = await createChannel(t, ws.alice, 'old-news', 'PUBLIC');
      expect((await call(t.url, ws.alice.token, 'POST', `/v1/channels/${old}/archive`)).status).toBe(200);
      expect((await asBot('POST', `/v1/channels/${old}/messages`, { text: 'x' })).body.code).toBe('channel_archived');
    });

    it('a person still needs to be a member: their token acts with their rights', async () => {
      const secret = await createChannel(t, ws.alice, 'alice-only', 'PRIVATE');
      const asAlice = await sdkCall(t.url, app.userToken, app.app.appKey, { method: 'POST', path: `/v1/channels/${secret}/messages`, data: { text: 'mine' } });
      expect(asAlice.status).toBe(201);
      const bobApp = await installApp(t, ws.alice, 'bob-helper', ALL_SCOPES);
      // alice installed it; bob authorizes it for himself.
      const code = await grantCode(t.url, ws.bob, bobApp.app, { scopes: 'messages:write', redirectUrl: REDIRECT });
      const tokens = await exchangeCode(t.url, { 'client-id': bobApp.app.id, 'client-secret': bobApp.app.clientSecret, code });
      const asBob = await sdkCall<{ code: string }>(t.url, tokens.body.accessToken, bobApp.app.appKey, {
        method: 'POST',
        path: `/v1/channels/${secret}/messages`,
        data: { text: 'let me in' },
      });
      expect(asBob.status).toBe(404);
      const open = await createChannel(t, ws.alice, 'not-joined-by-bob', 'PUBLIC');
      const notMember = await sdkCall<{ code: string }>(t.url, tokens.body.accessToken, bobApp.app.appKey, {
        method: 'POST',
        path: `/v1/channels/${open}/messages`,
        data: { text: 'hi' },
      });
      expect(notMember.status).toBe(403);
      expect(notMember.body.code).toBe('not_in_channel');
    });

    it('an admins-only channel refuses the bot (and members) unless it was given the permission', async () => {
      const news = await createChannel(t, ws.alice, 'announcements', 'PUBLIC', [ws.bob.workspaceUserId]);
      const restrict = await call<{ channel: { postingPermissions: unknown } }>(t.url, ws.alice.token, 'PUT', `/v1/channels/${news}/postingPermissions`, {
        postingPermissionsGroup: 'ADMINS',
        allowThreads: false,
      });
      expect(restrict.status).toBe(200);
      expect(restrict.body.channel.postingPermissions).toEqual({
        allowThreads: false,
        allowMentions: true,
        postingPermissionsGroup: 'ADMINS',
        workspaceUserIds: [],
      });
      // Only admins change it.
      expect((await call(t.url, ws.bob.token, 'PUT', `/v1/channels/${news}/postingPermissions`, { postingPermissionsGroup: 'EVERYONE' })).status).toBe(403);

      const refused = await asBot('POST', `/v1/channels/${news}/messages`, { text: 'spam' });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('posting_restricted');
      const bobPost = await call<{ code: string; id: string }>(t.url, ws.bob.token, 'POST', `/v1/channels/${news}/messages`, { text: 'me too' });
      expect(bobPost.body.code).toBe('posting_restricted');
      const alicePost = await call<{ id: string }>(t.url, ws.alice.token, 'POST', `/v1/channels/${news}/messages`, { text: 'Release on Friday' });
      expect(alicePost.status).toBe(201);
      expect((await asBot('POST', `/v1/channels/${news}/messages/${alicePost.body.id}`, { text: 'ack' })).status).toBe(403);
      // Ephemeral notes are not posts: still allowed.
      expect((await asBot('POST', `/v1/channels/${news}/messages`, { text: 'psst', ephemeral: { sendToUsers: [ws.bob.workspaceUserId] } })).status).toBe(201);

      // Threads opened to everyone: replies are allowed, top-level posts are not.
      await call(t.url, ws.alice.token, 'PUT', `/v1/channels/${news}/postingPermissions`, { allowThreads: true });
      expect((await asBot('POST', `/v1/channels/${news}/messages/${alicePost.body.id}`, { text: 'ack' })).status).toBe(201);
      expect((await asBot('POST', `/v1/channels/${news}/messages`, { text: 'still no' })).status).toBe(403);

      // "Admins plus others", with the bot listed.
      await call(t.url, ws.alice.token, 'PUT', `/v1/channels/${news}/postingPermissions`, {
        postingPermissionsGroup: 'ADMINS_AND_SELECTED',
        workspaceUserIds: [app.botId],
      });
      expect((await asBot('POST', `/v1/channels/${news}/messages`, { text: 'now allowed' })).status).toBe(201);
      expect((await call(t.url, ws.bob.token, 'POST', `/v1/channels/${news}/messages`, { text: 'me?' })).status).toBe(403);
      const listed = await sdkCall<{ channel: { postingPermissions: { workspaceUserIds: string[] } } }>(t.url, app.botToken, app.app.appKey, {
        method: 'GET',
        path: `/v1/channels/${news}`,
      });
      expect(listed.body.channel.postingPermissions.workspaceUserIds).toEqual([app.botId]);

      // Back to everyone.
      await call(t.url, ws.alice.token, 'PUT', `/v1/channels/${news}/postingPermissions`, { postingPermissionsGroup: 'EVERYONE', workspaceUserIds: [] });
      expect((await call(t.url, ws.bob.token, 'POST', `/v1/channels/${news}/messages`, { text: 'finally' })).status).toBe(201);
    });
  });
}
