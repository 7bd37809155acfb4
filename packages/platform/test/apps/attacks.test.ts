import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pkceChallenge } from '../../src/oauth/grant-service.js';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { appCall, exchangeCode, grantCode, type RegisteredApp, registerApp, testManifest } from './oauth-dance.js';

for (const dialect of await dialects()) {
  describe(`apps: attack catalogue and lifecycle (${dialect})`, () => {
    let t: TestPlatform;
    let now = Date.now();
    let alice: Session;
    let bob: Session;
    let app: RegisteredApp;
    let other: RegisteredApp;
    const exchange = (a: RegisteredApp, code: string, extra: Record<string, string> = {}) =>
      exchangeCode(t.url, { 'client-id': a.id, 'client-secret': a.clientSecret, code, ...extra });

    beforeAll(async () => {
      t = await startPlatform({ dialect, clock: { now: () => now } });
      alice = await login(t.url, 'alice@example.com');
      bob = await login(t.url, 'bob@example.com');
      app = await registerApp(t.url, alice);
      other = await registerApp(t.url, alice, testManifest({ name: 'other_app', slashCommands: [] }));
    });
    afterAll(async () => t?.stop());

    it('a replayed code fails and revokes what it issued', async () => {
      const code = await grantCode(t.url, bob, app);
      const first = await exchange(app, code);
      expect(first.status).toBe(200);
      expect((await appCall(t.url, first.body.accessToken, app.appKey, 'GET', '/oauth2/me')).status).toBe(200);
      const replay = await exchange(app, code);
      expect(replay.status).toBe(400);
      expect(replay.body.code).toBe('invalid_grant');
      expect((await appCall(t.url, first.body.accessToken, app.appKey, 'GET', '/oauth2/me')).status).toBe(401);
      expect((await appCall(t.url, first.body.botToken, app.appKey, 'GET', '/oauth2/me')).status).toBe(401);
    });

    it('a code of another client, a wrong secret, an unknown code and an expired code all fail', async () => {
      const code = await grantCode(t.url, bob, app);
      expect((await exchange(other, code)).body.code).toBe('invalid_grant');
      const wrongSecret = await exchangeCode(t.url, { 'client-id': app.id, 'client-secret': 'a'.repeat(64), code: await grantCode(t.url, bob, app) });
      expect(wrongSecret.status).toBe(401);
      expect(wrongSecret.body.code).toBe('invalid_client');
      expect((await exchange(app, 'sbc_made_up')).body.code).toBe('invalid_grant');
      const late = await grantCode(t.url, bob, app);
      now += 10 * 60 * 1000 + 1;
      const expired = await exchange(app, late);
      expect(expired.status).toBe(400);
      expect(expired.body.code).toBe('invalid_grant');
    });

    it('PKCE: a wrong or missing verifier fails, the right one works (urlencoded too)', async () => {
      const verifier = 'v'.repeat(50);
      const code = await grantCode(t.url, bob, app, {});
      expect((await exchange(app, code, { code_verifier: verifier })).status).toBe(200); // no challenge: verifier ignored
      // With a challenge (consent page param code_challenge).
      const checked = await t.platform.services.grants.check({
        clientId: app.id,
        redirectUrl: 'https://app.example.com/oauth/redirect',
        scopes: 'messages:read',
        codeChallenge: pkceChallenge(verifier),
      });
      const bobActor = { workspaceId: bob.workspaceId, userId: bob.workspaceUserId };
      const c1 = await t.platform.services.grants.allow(
        checked,
        { clientId: app.id, redirectUrl: checked.redirectUrl, scopes: 'messages:read', codeChallenge: pkceChallenge(verifier) },
        bobActor.workspaceId,
        bobActor.userId,
      );
      expect((await exchange(app, c1.code, { code_verifier: 'w'.repeat(50) })).body.code).toBe('invalid_grant');
      const c2 = await t.platform.services.grants.allow(
        checked,
        { clientId: app.id, redirectUrl: checked.redirectUrl, scopes: 'messages:read', codeChallenge: pkceChallenge(verifier) },
        bobActor.workspaceId,
        bobActor.userId,
      );
      expect((await exchange(app, c2.code)).body.code).toBe('invalid_grant');
      const c3 = await t.platform.services.grants.allow(
        checked,
        { clientId: app.id, redirectUrl: checked.redirectUrl, scopes: 'messages:read', codeChallenge: pkceChallenge(verifier) },
        bobActor.workspaceId,
        bobActor.userId,
      );
      const ok = await fetch(`${t.url}/oauth2/access`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ 'client-id': app.id, 'client-secret': app.clientSecret, code: c3.code, code_verifier: verifier }).toString(),
      });
      expect(ok.status).toBe(200);
    });

    it('a reinstall rotates the bot token: the old one stops at once', async () => {
      const first = await exchange(app, await grantCode(t.url, alice, app));
      const again = await exchange(app, await grantCode(t.url, alice, app));
      expect(again.body.botToken).toBe(first.body.botToken); // a plain re-authorization returns the same bot token
      expect((await appCall(t.url, first.body.botToken, app.appKey, 'GET', '/oauth2/me')).status).toBe(200);
      const reinstall = await exchange(app, await grantCode(t.url, alice, app, { isReinstall: 'true' }));
      expect(reinstall.body.botToken).not.toBe(first.body.botToken);
      expect((await appCall(t.url, first.body.botToken, app.appKey, 'GET', '/oauth2/me')).status).toBe(401);
      expect((await appCall(t.url, reinstall.body.botToken, app.appKey, 'GET', '/oauth2/me')).status).toBe(200);
    });

    it('scopes added by a manifest update apply only after re-consent', async () => {
      const tokens = await exchange(other, await grantCode(t.url, alice, other, { scopes: 'messages:read,bot:messages:read' }));
      expect((await appCall(t.url, tokens.body.botToken, other.appKey, 'GET', '/v1/channels')).status).toBe(403);
      const base = `/workspaces/${alice.workspaceId}/workspaceUsers/${alice.workspaceUserId}`;
      const manifest = testManifest({
        name: 'other_app',
        slashCommands: [],
        scopes: { botScopes: ['messages:read', 'channels:list'], userScopes: ['messages:read'] },
      });
      expect((await call(t.url, alice.token, 'PUT', `${base}/apps/${other.id}`, manifest)).status).toBe(200);
      // Still the old grant: the new scope is in the manifest, not in the installation.
      const before = await appCall<{ code: string; needed: string }>(t.url, tokens.body.botToken, other.appKey, 'GET', '/v1/channels');
      expect(before.body).toMatchObject({ code: 'missing_scope', needed: 'channels:list' });
      const again = await exchange(
        other,
        await grantCode(t.url, alice, other, { scopes: 'messages:read,bot:messages:read,bot:channels:list', isReinstall: 'true' }),
      );
      expect((await appCall(t.url, again.body.botToken, other.appKey, 'GET', '/v1/channels')).status).toBe(200);
    });

    it('a token of workspace A never acts in workspace B', async () => {
      const tokens = await exchange(app, await grantCode(t.url, alice, app));
      const { workspaceId } = await t.platform.services.users.createWorkspace('Other', {
        email: 'carol@example.com',
        name: 'Carol',
        password: 'carol-password',
        role: 'owner',
      });
      const carol = await login(t.url, 'carol@example.com', 'carol-password');
      expect(carol.workspaceId).toBe(workspaceId);
      const theirs = await call<{ channel: { id: string } }[]>(t.url, carol.token, 'GET', '/v1/channels');
      const channelB = theirs.body[0].channel.id;
      for (const token of [tokens.body.accessToken, tokens.body.botToken]) {
        expect((await appCall(t.url, token, app.appKey, 'GET', `/v1/channels/${channelB}/messages`)).status).toBe(404);
        expect((await appCall(t.url, token, app.appKey, 'POST', `/v1/channels/${channelB}/messages`, { text: 'intrude' })).status).toBe(404);
      }
    });

    it('unauthorize kills the user token and records APP_UNAUTHORIZED in the outbox', async () => {
      const tokens = await exchange(app, await grantCode(t.url, bob, app));
      const res = await appCall(t.url, tokens.body.accessToken, app.appKey, 'DELETE', '/v1/app/authorization');
      expect(res.status).toBe(204);
      expect((await appCall(t.url, tokens.body.accessToken, app.appKey, 'GET', '/oauth2/me')).status).toBe(401);
      const rows = await t.platform.services.store.db.selectFrom('event_outbox').selectAll().where('event_type', '=', 'APP_UNAUTHORIZED').execute();
      expect(rows).toHaveLength(1);
      const payload = JSON.parse(rows[0].payload);
      expect(payload).toMatchObject({ messageType: 'APP_EVENT', eventType: 'APP_UNAUTHORIZED', workspaceId: bob.workspaceId });
      expect(JSON.parse(payload.body)).toMatchObject({ app: app.id, workspaceUser: bob.workspaceUserId, accessGranted: false });
    });

    it('only an admin uninstalls; uninstall revokes every token, deactivates the bot, records APP_UNINSTALLED', async () => {
      const bobs = await exchange(app, await grantCode(t.url, bob, app));
      expect((await appCall(t.url, bobs.body.accessToken, app.appKey, 'DELETE', '/v1/app/installation')).status).toBe(403);
      expect((await call(t.url, bob.token, 'DELETE', `/v1/apps/${app.id}/installation`)).status).toBe(403);
      const res = await call(t.url, alice.token, 'DELETE', `/v1/apps/${app.id}/installation`);
      expect(res.status).toBe(204);
      for (const token of [bobs.body.accessToken, bobs.body.botToken]) expect((await appCall(t.url, token, app.appKey, 'GET', '/oauth2/me')).status).toBe(401);
      const bot = await call<{ status: string }>(t.url, alice.token, 'GET', `/v1/workspaceUsers/${bobs.body.botId}`);
      expect(bot.body.status).toBe('DEACTIVATED');
      const rows = await t.platform.services.store.db.selectFrom('event_outbox').selectAll().where('event_type', '=', 'APP_UNINSTALLED').execute();
      expect(rows).toHaveLength(1);
      expect(JSON.parse(JSON.parse(rows[0].payload).body)).toMatchObject({ app: app.id, botUser: bobs.body.botId });
    });
  });
}
