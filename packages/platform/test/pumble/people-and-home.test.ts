import { HomeView, PumbleUserGroup, PumbleWorkspaceUser } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatChange } from '../../src/chat/changes.js';
import { call, dialects, startPlatform, type TestPlatform } from '../harness.js';
import { listenRealtime } from '../realtime-client.js';
import { ALL_SCOPES, assertShape, demoWorkspace, type InstalledApp, installApp, sdkCall, type Workspace } from './sdk-requests.js';

for (const dialect of await dialects()) {
  describe(`user groups, custom status and home views (${dialect})`, () => {
    let t: TestPlatform;
    let ws: Workspace;
    let app: InstalledApp;
    const committed: ChatChange[] = [];
    beforeAll(async () => {
      t = await startPlatform({ dialect });
      ws = await demoWorkspace(t);
      app = await installApp(t, ws.alice, 'homebody', ALL_SCOPES, {
        defaultHomeView: { title: { type: 'plain_text', text: 'Hello' }, blocks: [{ type: 'divider' }] },
      });
      t.platform.services.bus.addSink({ afterCommit: (changes) => committed.push(...changes) });
    });
    afterAll(async () => t?.stop());

    it('creates, lists and changes user groups; handles are unique; members must be in the workspace', async () => {
      const created = await call<PumbleUserGroup>(t.url, ws.alice.token, 'POST', '/v1/workspaceUsers/groups', {
        name: 'Backend',
        handle: '@Backend',
        description: 'Servers',
        workspaceUserIds: [ws.bob.workspaceUserId],
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        handle: 'backend',
        createdBy: ws.alice.workspaceUserId,
        disabled: false,
        workspaceUserIds: [ws.bob.workspaceUserId],
      });
      expect((await call<{ code: string }>(t.url, ws.bob.token, 'POST', '/v1/workspaceUsers/groups', { name: 'B2', handle: 'backend' })).body.code).toBe(
        'already_exists',
      );
      expect((await call(t.url, ws.bob.token, 'POST', '/v1/workspaceUsers/groups', { name: 'X', handle: 'here' })).status).toBe(400);
      expect((await call(t.url, ws.bob.token, 'POST', '/v1/workspaceUsers/groups', { name: 'X', handle: 'x', workspaceUserIds: ['nobody'] })).status).toBe(404);
      // bob did not create it and is no admin.
      expect((await call(t.url, ws.bob.token, 'PUT', `/v1/workspaceUsers/groups/${created.body.id}`, { name: 'Mine' })).status).toBe(403);
      const changed = await call<PumbleUserGroup>(t.url, ws.alice.token, 'PUT', `/v1/workspaceUsers/groups/${created.body.id}`, {
        workspaceUserIds: [ws.alice.workspaceUserId, ws.bob.workspaceUserId],
      });
      expect(changed.body.workspaceUserIds).toEqual([ws.alice.workspaceUserId, ws.bob.workspaceUserId].sort());

      // The static path wins over /v1/workspaceUsers/:userId; apps read it with users:list.
      const listed = await sdkCall(t.url, app.botToken, app.app.appKey, { method: 'GET', path: '/v1/workspaceUsers/groups' });
      expect(listed.status).toBe(200);
      const groups = assertShape(PumbleUserGroup.array(), listed.body, 'groups');
      expect(groups.map((g) => g.handle)).toEqual(['backend']);
      const one = await sdkCall(t.url, app.botToken, app.app.appKey, { method: 'GET', path: `/v1/workspaceUsers/groups/${created.body.id}` });
      expect(assertShape(PumbleUserGroup, one.body, 'group').name).toBe('Backend');
    });

    it('resolves @group mentions in text and usergroup blocks into the change pages receive', async () => {
      const group = (await call<PumbleUserGroup>(t.url, ws.alice.token, 'GET', '/v1/workspaceUsers/groups')).body as unknown as PumbleUserGroup[];
      const backend = group.find((g) => g.handle === 'backend');
      committed.length = 0;
      const byText = await call<{ id: string }>(t.url, ws.bob.token, 'POST', `/v1/channels/${ws.general}/messages`, { text: 'hey @backend, deploy?' });
      const byBlock = await call<{ id: string }>(t.url, ws.bob.token, 'POST', `/v1/channels/${ws.general}/messages`, {
        text: '',
        blocks: [{ type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'usergroup', usergroup_id: backend?.id }] }] }],
      });
      const plain = await call<{ id: string }>(t.url, ws.bob.token, 'POST', `/v1/channels/${ws.general}/messages`, { text: 'mail me at bob@backend.io' });
      const mentionsOf = (id: string) =>
        (committed.find((c) => c.type === 'message.created' && (c.data as { message: { id: string } }).message.id === id)?.data as { mentions?: unknown })
          ?.mentions;
      const expected = { groupIds: [backend?.id], userIds: [ws.alice.workspaceUserId, ws.bob.workspaceUserId].sort() };
      expect(mentionsOf(byText.body.id)).toEqual(expected);
      expect(mentionsOf(byBlock.body.id)).toEqual(expected);
      expect(mentionsOf(plain.body.id)).toBeUndefined();
    });

    it('sets a custom status shown on the person until it expires, and clears it', async () => {
      const bobPage = await listenRealtime(t.url, ws.bob.token);
      const set = await sdkCall(t.url, app.userToken, app.app.appKey, {
        method: 'PUT',
        path: '/v1/workspaceUsers/customStatus',
        data: { code: ':palm_tree:', status: 'On holiday', expiration: 'never', expiresAt: 0, pausedNotifications: true },
      });
      expect(set.status).toBe(200);
      // Open pages of the workspace hear of it.
      const live = (await bobPage.next((f) => f.type === 'user.updated')).data as unknown as { user: { id: string; customStatus?: { code: string } } };
      expect(live.user).toMatchObject({ id: ws.alice.workspaceUserId, customStatus: { code: ':palm_tree:' } });
      bobPage.close();
      const seen = await call(t.url, ws.bob.token, 'GET', `/v1/workspaceUsers/${ws.alice.workspaceUserId}`);
      expect(assertShape(PumbleWorkspaceUser, seen.body, 'user').customStatus).toEqual({
        code: ':palm_tree:',
        status: 'On holiday',
        expiration: 'never',
        showUntil: false,
      });
      const everyone = await call<{ id: string; customStatus?: unknown }[]>(t.url, ws.bob.token, 'GET', '/v1/workspaceUsers');
      expect(everyone.body.find((u) => u.id === ws.alice.workspaceUserId)?.customStatus).toBeDefined();

      // An expired status is no longer shown.
      const past = Date.now() - 1000;
      await sdkCall(t.url, app.userToken, app.app.appKey, {
        method: 'PUT',
        path: '/v1/workspaceUsers/customStatus',
        data: { code: ':coffee:', status: 'Brb', expiration: 'custom', expiresAt: past, pausedNotifications: false },
      });
      expect(
        (await call<{ customStatus?: unknown }>(t.url, ws.bob.token, 'GET', `/v1/workspaceUsers/${ws.alice.workspaceUserId}`)).body.customStatus,
      ).toBeUndefined();
      expect((await call(t.url, ws.bob.token, 'PUT', '/v1/workspaceUsers/customStatus', { code: 'x' })).status).toBe(400);
      expect((await call(t.url, ws.alice.token, 'DELETE', '/v1/workspaceUsers/customStatus')).status).toBe(204);
      expect(await t.platform.services.store.db.selectFrom('custom_statuses').selectAll().where('user_id', '=', ws.alice.workspaceUserId).execute()).toEqual(
        [],
      );
    });

    it('stores home views per person; the page reads them, or the manifest default', async () => {
      const alicePage = await listenRealtime(t.url, ws.alice.token);
      const bobPage = await listenRealtime(t.url, ws.bob.token);
      const published = await sdkCall(t.url, app.botToken, app.app.appKey, {
        method: 'POST',
        path: `/v1/app/homeView/workspaceUsers/${ws.alice.workspaceUserId}`,
        data: { blocks: [{ type: 'section', text: { type: 'plain_text', text: 'Your tasks: 3' } }], title: { type: 'plain_text', text: 'Tasks' } },
      });
      expect(published.status).toBe(200);
      // Only alice's page is told, with the view itself.
      const pushed = (await alicePage.next((f) => f.type === 'home_view.updated')).data as unknown as { homeView: { title?: { text: string } } };
      expect(pushed.homeView.title?.text).toBe('Tasks');
      await new Promise((r) => setTimeout(r, 100));
      expect(bobPage.frames.filter((f) => f.type === 'home_view.updated')).toEqual([]);
      alicePage.close();
      bobPage.close();
      const mine = await call(t.url, ws.alice.token, 'GET', `/v1/apps/${app.app.id}/homeView`);
      expect(assertShape(HomeView, mine.body, 'home view')).toMatchObject({
        isDefault: false,
        title: { text: 'Tasks' },
        workspaceUserId: ws.alice.workspaceUserId,
      });
      const bobs = await call(t.url, ws.bob.token, 'GET', `/v1/apps/${app.app.id}/homeView`);
      expect(assertShape(HomeView, bobs.body, 'default view')).toMatchObject({ isDefault: true, blocks: [{ type: 'divider' }], updatedAt: null });
      // Republishing replaces it.
      await sdkCall(t.url, app.botToken, app.app.appKey, {
        method: 'POST',
        path: `/v1/app/homeView/workspaceUsers/${ws.alice.workspaceUserId}`,
        data: { blocks: [] },
      });
      expect((await call<{ blocks: unknown[] }>(t.url, ws.alice.token, 'GET', `/v1/apps/${app.app.id}/homeView`)).body.blocks).toEqual([]);
      // Not to a bot, not to someone of another workspace, not by a person.
      expect(
        (await sdkCall(t.url, app.botToken, app.app.appKey, { method: 'POST', path: `/v1/app/homeView/workspaceUsers/${app.botId}`, data: { blocks: [] } }))
          .status,
      ).toBe(404);
      expect((await call(t.url, ws.alice.token, 'POST', `/v1/app/homeView/workspaceUsers/${ws.alice.workspaceUserId}`, { blocks: [] })).status).toBe(403);
      expect((await call(t.url, ws.alice.token, 'GET', '/v1/apps/000000000000000000000000/homeView')).status).toBe(404);
    });

    it('answers 501 not_supported for permanent calls, after the scope check', async () => {
      const res = await sdkCall<{ code: string; message: string }>(t.url, app.botToken, app.app.appKey, { method: 'POST', path: '/v1/calls/permanent' });
      expect(res.status).toBe(501);
      expect(res.body).toEqual({ code: 'not_supported', message: expect.stringMatching(/no calls/) });
    });
  });
}
