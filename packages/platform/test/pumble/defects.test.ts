import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantCode, REDIRECT, registerApp, testManifest } from '../apps/oauth-dance.js';
import { call, dialects, login, startPlatform, type TestPlatform } from '../harness.js';
import { listenRealtime } from '../realtime-client.js';
import { ALL_SCOPES, createChannel, demoWorkspace, type InstalledApp, installApp, sdkCall, type Workspace } from './sdk-requests.js';

/** A raw request (fetch refuses some of what is tested here): status, headers, body text. */
function raw(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: target.hostname, port: target.port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

for (const dialect of await dialects()) {
  describe(`Pumble API defects found by the probe (${dialect})`, () => {
    let t: TestPlatform;
    let ws: Workspace;
    let app: InstalledApp;
    beforeAll(async () => {
      t = await startPlatform({ dialect });
      ws = await demoWorkspace(t);
      app = await installApp(t, ws.alice, 'probe', ALL_SCOPES);
    });
    afterAll(async () => t?.stop());

    it('only the sending app withdraws an ephemeral message; a recipient dismisses it for themself only', async () => {
      const alicePage = await listenRealtime(t.url, ws.alice.token);
      const sent = await sdkCall<{ id: string }>(t.url, app.botToken, app.app.appKey, {
        method: 'POST',
        path: `/v1/channels/${ws.general}/messages`,
        data: {
          text: 'pick one',
          blocks: [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Go' }, onAction: 'go' }] }],
          ephemeral: { sendToUsers: [ws.alice.workspaceUserId, ws.bob.workspaceUserId] },
        },
      });
      expect(sent.status).toBe(201);
      const path = `/v1/channels/${ws.general}/messages/${sent.body.id}/ephemeral`;
      const recipients = async () =>
        JSON.parse(
          (await t.platform.services.store.db.selectFrom('trigger_ephemerals').select('recipients').where('id', '=', sent.body.id).executeTakeFirstOrThrow())
            .recipients,
        ) as string[];

      // bob may not take it away from alice (the probe's case), nor may another app's token.
      const byBob = await call<{ code: string }>(t.url, ws.bob.token, 'DELETE', path, { deleteForUsers: [ws.alice.workspaceUserId] });
      expect(byBob.status).toBe(403);
      expect(byBob.body.code).toBe('forbidden');
      const other = await installApp(t, ws.alice, 'other-app', ALL_SCOPES);
      const byOtherApp = await sdkCall(t.url, other.botToken, other.app.appKey, {
        method: 'DELETE',
        path,
        data: { deleteForUsers: [ws.alice.workspaceUserId] },
      });
      expect(byOtherApp.status).toBe(403);
      // Nor may alice's own token of the sending app (the bot sent it, not alice).
      const byAliceViaApp = await sdkCall(t.url, app.userToken, app.app.appKey, { method: 'DELETE', path, data: { deleteForUsers: [ws.bob.workspaceUserId] } });
      expect(byAliceViaApp.status).toBe(403);
      expect(await recipients()).toEqual([ws.alice.workspaceUserId, ws.bob.workspaceUserId]);
      await alicePage.next((f) => f.type === 'message.ephemeral');

      // bob dismisses it for himself.
      expect((await call(t.url, ws.bob.token, 'DELETE', path, { deleteForUsers: [ws.bob.workspaceUserId] })).status).toBe(204);
      expect(await recipients()).toEqual([ws.alice.workspaceUserId]);
      // The sending app withdraws it from alice.
      expect(
        (await sdkCall(t.url, app.botToken, app.app.appKey, { method: 'DELETE', path, data: { deleteForUsers: [ws.alice.workspaceUserId] } })).status,
      ).toBe(204);
      expect(await recipients()).toEqual([]);
      // alice's page heard exactly one withdrawal: the app's, none from the refused attempts.
      const withdrawn = await alicePage.next((f) => f.type === 'message.ephemeral_deleted');
      expect(withdrawn.data).toMatchObject({ messageId: sent.body.id });
      await new Promise((r) => setTimeout(r, 100));
      expect(alicePage.frames.filter((f) => f.type === 'message.ephemeral_deleted')).toEqual([]);
      alicePage.close();
      // Unknown ids are 404, not a silent 204.
      const unknown = `/v1/channels/${ws.general}/messages/000000000000000000000000/ephemeral`;
      expect(
        (await sdkCall(t.url, app.botToken, app.app.appKey, { method: 'DELETE', path: unknown, data: { deleteForUsers: [ws.alice.workspaceUserId] } })).status,
      ).toBe(404);
    });

    it('only the sender edits an ephemeral message, for people who still see it', async () => {
      const sent = await sdkCall<{ id: string }>(t.url, app.botToken, app.app.appKey, {
        method: 'POST',
        path: `/v1/channels/${ws.general}/messages`,
        data: { text: 'v1', ephemeral: { sendToUsers: [ws.bob.workspaceUserId] } },
      });
      const path = `/v1/channels/${ws.general}/messages/${sent.body.id}`;
      const body = { text: 'v2', ephemeral: { sendToUsers: [ws.bob.workspaceUserId] } };
      const bobPage = await listenRealtime(t.url, ws.bob.token);
      expect((await call(t.url, ws.bob.token, 'PUT', path, body)).status).toBe(403);
      const edited = await sdkCall<{ text: string; ephemeral: boolean }>(t.url, app.botToken, app.app.appKey, { method: 'PUT', path, data: body });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ id: sent.body.id, text: 'v2', ephemeral: true, edited: true });
      // bob's page gets the new version under the same id.
      const pushed = await bobPage.next((f) => f.type === 'message.ephemeral');
      expect(pushed.data.message).toMatchObject({ id: sent.body.id, text: 'v2', edited: true });
      bobPage.close();
      // alice never saw it: nobody to show the edit to.
      const toAlice = await sdkCall<{ code: string }>(t.url, app.botToken, app.app.appKey, {
        method: 'PUT',
        path,
        data: { text: 'v3', ephemeral: { sendToUsers: [ws.alice.workspaceUserId] } },
      });
      expect(toAlice.status).toBe(400);
    });

    it('PATCH of one’s own profile with {} changes nothing and answers 200', async () => {
      const res = await call<{ id: string; name: string }>(t.url, ws.bob.token, 'PATCH', `/v1/workspaceUsers/${ws.bob.workspaceUserId}`, {});
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: ws.bob.workspaceUserId, name: 'Bob' });
    });

    it('an over-long path is 414 and over-large headers 431, both {code, message}, never echoing the path', async () => {
      const longId = 'x'.repeat(10_000);
      const tooLong = await raw(t.url, `/v1/channels/${longId}`, { authtoken: ws.alice.token });
      expect(tooLong.status).toBe(414);
      expect(JSON.parse(tooLong.body)).toEqual({ code: 'uri_too_long', message: expect.any(String) });
      expect(tooLong.body).not.toContain('xxxxxxxxxx');
      // An unknown long path: 404 with a shortened path.
      const unknown = await raw(t.url, `/v1/nowhere/${'y'.repeat(5000)}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.length).toBeLessThan(400);
      // Past the HTTP parser's limit (16 KB of request line and headers).
      const huge = await raw(t.url, `/v1/channels?q=${'z'.repeat(20_000)}`);
      expect(huge.status).toBe(431);
      expect(JSON.parse(huge.body)).toEqual({ code: 'headers_too_large', message: expect.any(String) });
      const bigHeader = await raw(t.url, '/v1/channels', { 'x-filler': 'f'.repeat(20_000) });
      expect(bigHeader.status).toBe(431);
      expect(bigHeader.body).not.toContain('ffffffff');
    });

    it('a person of another workspace gets no install code for an unpublished app', async () => {
      await t.platform.services.users.createWorkspace('Outsiders', { email: 'olga@example.com', name: 'Olga', password: 'olga-password-1', role: 'owner' });
      const olga = await login(t.url, 'olga@example.com', 'olga-password-1');
      const draft = await registerApp(t.url, ws.alice, testManifest({ name: 'draft_app' }));
      const refused = await call<{ code: string }>(
        t.url,
        olga.token,
        'GET',
        `/workspaces/${olga.workspaceId}/workspaceUsers/${olga.workspaceUserId}/oauth2/grant?${new URLSearchParams({ clientId: draft.id, scopes: 'messages:read', redirectUrl: REDIRECT })}`,
      );
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('forbidden');
      const codes = await t.platform.services.store.db.selectFrom('oauth_codes').select('app_id').where('app_id', '=', draft.id).execute();
      expect(codes).toEqual([]);
      // Its creator's workspace still installs it, and once published anyone may.
      expect(await grantCode(t.url, ws.bob, draft, { scopes: 'messages:read' })).toMatch(/./);
      await t.platform.services.store.db.updateTable('apps').set({ published: 1 }).where('id', '=', draft.id).execute();
      expect(await grantCode(t.url, olga, draft, { scopes: 'messages:read' })).toMatch(/./);
    });

    it('bodiless DELETEs with the JSON content type work: message, channel member, unauthorize, uninstall', async () => {
      const bodiless = (token: string, path: string, contentLength = true) =>
        fetch(`${t.url}${path}`, {
          method: 'DELETE',
          headers: { 'content-type': 'application/json', token, 'x-app-token': app.app.appKey, ...(contentLength ? { 'content-length': '0' } : {}) },
        });
      const posted = await sdkCall<{ id: string }>(t.url, app.botToken, app.app.appKey, {
        method: 'POST',
        path: `/v1/channels/${ws.general}/messages`,
        data: { text: 'x' },
      });
      expect((await bodiless(app.botToken, `/v1/channels/${ws.general}/messages/${posted.body.id}`)).status).toBe(204);

      const room = await createChannel(t, ws.alice, 'bodiless', 'PUBLIC', [ws.bob.workspaceUserId]);
      const removed = await bodiless(app.userToken, `/v1/channels/${room}/users/${ws.bob.workspaceUserId}`, false);
      expect(removed.status, await removed.clone().text()).toBe(204);
      // Whitespace is no body either; a broken JSON body is still a 400.
      const broken = await fetch(`${t.url}/v1/channels/${room}/users/${ws.alice.workspaceUserId}`, {
        method: 'DELETE',
        headers: { 'content-type': 'application/json', token: app.userToken, 'x-app-token': app.app.appKey },
        body: '{"oops',
      });
      expect(broken.status).toBe(400);
      expect(((await broken.json()) as { code: string }).code).toBe('invalid_json');
      // A route whose body is required still says so.
      const missing = await bodiless(app.botToken, `/v1/channels/${ws.general}/messages/${posted.body.id}/ephemeral`);
      expect(missing.status).toBe(400);
      expect(((await missing.json()) as { code: string }).code).toBe('validation_failed');

      expect((await bodiless(app.userToken, '/v1/app/authorization')).status).toBe(204);
      expect((await bodiless(app.botToken, '/v1/app/installation')).status).toBe(204);
      expect((await sdkCall(t.url, app.botToken, app.app.appKey, { method: 'GET', path: '/oauth2/me' })).status).toBe(401);
    });

    it('the manifest fields the SDK and pumble-cli send are accepted and come back unchanged', async () => {
      const manifest = testManifest({
        name: 'synced_app',
        avatarUrl: 'https://app.example.com/avatar.png',
        helpUrl: 'https://app.example.com/help',
        listingUrl: '/listing',
        blockInteraction: { url: 'https://app.example.com/hook' },
        viewAction: { url: 'https://app.example.com/hook' },
        dynamicMenus: [{ url: 'https://app.example.com/hook', onAction: 'pick_project' }],
        defaultHomeView: { title: { type: 'plain_text', text: 'Welcome' }, blocks: [{ type: 'divider' }] },
        shortcuts: [{ shortcutType: 'GLOBAL', url: 'https://app.example.com/hook', name: 'say_hi', displayName: 'Say hi', description: '' }],
        slashCommands: [{ command: '/todo', url: 'https://app.example.com/hook', description: '', usageHint: '' }],
        socketMode: false,
        offlineMessage: 'Back soon',
      });
      const created = await registerApp(t.url, ws.alice, manifest);
      const base = `/workspaces/${ws.alice.workspaceId}/workspaceUsers/${ws.alice.workspaceUserId}`;
      const got = await call<Record<string, unknown>>(t.url, ws.alice.token, 'GET', `${base}/apps/mine/${created.id}`);
      expect(got.status).toBe(200);
      for (const key of [
        'avatarUrl',
        'helpUrl',
        'listingUrl',
        'blockInteraction',
        'viewAction',
        'dynamicMenus',
        'defaultHomeView',
        'shortcuts',
        'slashCommands',
        'offlineMessage',
      ]) {
        expect(got.body[key], key).toEqual((manifest as Record<string, unknown>)[key]);
      }
      const updated = await call(t.url, ws.alice.token, 'PUT', `${base}/apps/${created.id}`, { ...manifest, defaultHomeView: { enabled: false, blocks: [] } });
      expect(updated.status).toBe(200);
      const again = await call<Record<string, unknown>>(t.url, ws.alice.token, 'GET', `${base}/apps/mine/${created.id}`);
      expect(again.body.defaultHomeView).toEqual({ enabled: false, blocks: [] });
    });
  });
}
