import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { allScopes, appCall, consentViaPage, exchangeCode, REDIRECT, type RegisteredApp, registerApp, testManifest } from './oauth-dance.js';

for (const dialect of await dialects()) {
  describe(`apps: registry, consent, tokens, app API (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let bob: Session;
    let app: RegisteredApp;
    let general: string;
    beforeAll(async () => {
      t = await startPlatform({ dialect });
      alice = await login(t.url, 'alice@example.com');
      bob = await login(t.url, 'bob@example.com');
      app = await registerApp(t.url, alice);
      const channels = await call<{ channel: { id: string; name: string } }[]>(t.url, alice.token, 'GET', '/v1/channels');
      general = channels.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
    });
    afterAll(async () => t?.stop());

    it('registers with 256-bit secrets, lists without them, stores them sealed', async () => {
      for (const secret of [app.clientSecret, app.appKey, app.signingSecret]) expect(secret).toMatch(/^[0-9a-f]{64}$/);
      const base = `/workspaces/${alice.workspaceId}/workspaceUsers/${alice.workspaceUserId}`;
      const mine = await call<Record<string, unknown>[]>(t.url, alice.token, 'GET', `${base}/apps/mine`);
      expect(mine.body).toHaveLength(1);
      expect(mine.body[0]).not.toHaveProperty('clientSecret');
      expect(mine.body[0]).not.toHaveProperty('signingSecret');
      const full = await call<RegisteredApp>(t.url, alice.token, 'GET', `${base}/apps/mine/${app.id}`);
      expect(full.body.clientSecret).toBe(app.clientSecret);
      const row = await t.platform.services.store.db.selectFrom('apps').selectAll().where('id', '=', app.id).executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain(app.clientSecret);
      expect(JSON.stringify(row)).not.toContain(app.signingSecret);
      // Bob may not read or manage alice's app, nor use alice's path.
      expect((await call(t.url, bob.token, 'GET', `/workspaces/${bob.workspaceId}/workspaceUsers/${bob.workspaceUserId}/apps/mine/${app.id}`)).status).toBe(
        404,
      );
      expect((await call(t.url, bob.token, 'GET', `${base}/apps/mine`)).status).toBe(403);
    });

    it('rejects an invalid manifest with every error and its path', async () => {
      const base = `/workspaces/${alice.workspaceId}/workspaceUsers/${alice.workspaceUserId}`;
      const res = await call<{ code: string; errors: { path: string }[] }>(
        t.url,
        alice.token,
        'POST',
        `${base}/apps`,
        testManifest({ slashCommands: [{ command: 'echo', url: 'x' }], scopes: { botScopes: ['nope'], userScopes: [] } }),
      );
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_manifest');
      const paths = res.body.errors.map((e) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['slashCommands[0].command', 'slashCommands[0].url', 'scopes.botScopes[0]']));
    });

    it('runs the whole flow: consent page, code, exchange, API as bot and as user, welcome DM', async () => {
      const redirect = await consentViaPage(t.url, alice, { clientId: app.id, redirectUrl: REDIRECT, scopes: allScopes, state: 's-123' });
      expect(redirect.status).toBe(302);
      const location = new URL(redirect.headers.get('location') ?? '');
      expect(location.origin + location.pathname).toBe(REDIRECT);
      expect(location.searchParams.get('state')).toBe('s-123');
      const code = location.searchParams.get('code') ?? '';
      const tokens = await exchangeCode(t.url, { 'client-id': app.id, 'client-secret': app.clientSecret, code });
      expect(tokens.status).toBe(200);
      expect(tokens.body).toMatchObject({ userId: alice.workspaceUserId, workspaceId: alice.workspaceId });
      expect(tokens.body.accessToken).toMatch(/^sbu_/);
      expect(tokens.body.botToken).toMatch(/^sbb_/);

      const me = await appCall<{ workspaceUserId: string; workspaceName: string }>(t.url, tokens.body.accessToken, app.appKey, 'GET', '/oauth2/me');
      expect(me.body).toMatchObject({ workspaceUserId: alice.workspaceUserId, workspaceName: 'Demo' });
      const botMe = await appCall<{ workspaceUserId: string }>(t.url, tokens.body.botToken, app.appKey, 'GET', '/oauth2/me');
      expect(botMe.body.workspaceUserId).toBe(tokens.body.botId);

      const asUser = await appCall<{ author: string }>(t.url, tokens.body.accessToken, app.appKey, 'POST', `/v1/channels/${general}/messages`, {
        text: 'via app',
      });
      expect(asUser.status).toBe(201);
      expect(asUser.body.author).toBe(alice.workspaceUserId);

      // The bot greeted alice in a DM; the bot can read and write there.
      const dm = await call<{ channel: { id: string } }>(t.url, alice.token, 'GET', `/v1/channels/direct?participantIds=${tokens.body.botId}`);
      expect(dm.status).toBe(200);
      const history = await call<{ messages: { text: string; author: string }[] }>(t.url, alice.token, 'GET', `/v1/channels/${dm.body.channel.id}/messages`);
      expect(history.body.messages[0]).toMatchObject({ text: 'Hello :wave:', author: tokens.body.botId });
      const botPost = await appCall(t.url, tokens.body.botToken, app.appKey, 'POST', `/v1/channels/${dm.body.channel.id}/messages`, { text: 'bot says hi' });
      expect(botPost.status).toBe(201);
      // The bot is not in #general, yet posts there (Pumble: a bot with messages:write needs no membership).
      expect((await appCall(t.url, tokens.body.botToken, app.appKey, 'POST', `/v1/channels/${general}/messages`, { text: 'x' })).status).toBe(201);

      // Missing scope: the bot has no channels:write, the user no channels:list.
      const missing = await appCall<{ code: string; needed: string }>(t.url, tokens.body.accessToken, app.appKey, 'GET', '/v1/channels');
      expect(missing.status).toBe(403);
      expect(missing.body).toMatchObject({ code: 'missing_scope', needed: 'channels:list' });
      expect((await appCall(t.url, tokens.body.botToken, app.appKey, 'GET', '/v1/channels')).status).toBe(200);
      // Management routes are closed to app tokens.
      expect(
        (await appCall(t.url, tokens.body.accessToken, app.appKey, 'GET', `/workspaces/${alice.workspaceId}/workspaceUsers/${alice.workspaceUserId}/apps/mine`))
          .status,
      ).toBe(403);
      // Wrong app key.
      expect((await appCall(t.url, tokens.body.accessToken, 'f'.repeat(64), 'GET', '/oauth2/me')).status).toBe(401);

      const authorizations = await call<{ app: { id: string } }[]>(
        t.url,
        alice.token,
        'GET',
        `/workspaces/${alice.workspaceId}/workspaceUsers/${alice.workspaceUserId}/apps/authorizations`,
      );
      expect(authorizations.body).toEqual([{ app: { id: app.id } }]);
    });

    it('cancel redirects with access_denied; bad client or redirect gets an error page, never a redirect', async () => {
      const cancel = await consentViaPage(t.url, bob, { clientId: app.id, redirectUrl: REDIRECT, scopes: 'messages:read', state: 'z' }, 'cancel');
      expect(cancel.status).toBe(302);
      const location = new URL(cancel.headers.get('location') ?? '');
      expect(location.searchParams.get('error')).toBe('access_denied');
      expect(location.searchParams.get('code')).toBeNull();
      for (const redirectUrl of [
        'https://evil.example.com/oauth/redirect',
        'https://app.example.com/oauth/redirect-evil',
        'https://app.example.com/oauth/redirect/../x',
        'https://user@app.example.com/oauth/redirect',
        'javascript:alert(1)',
      ]) {
        const res = await fetch(`${t.url}/access-request?${new URLSearchParams({ clientId: app.id, redirectUrl, scopes: 'messages:read' })}`, {
          headers: { cookie: bob.cookie },
          redirect: 'manual',
        });
        expect(res.status, redirectUrl).toBe(400);
        expect(res.headers.get('location')).toBeNull();
      }
      const unknownClient = await fetch(
        `${t.url}/access-request?${new URLSearchParams({ clientId: 'nope', redirectUrl: REDIRECT, scopes: 'messages:read' })}`,
        { headers: { cookie: bob.cookie }, redirect: 'manual' },
      );
      expect(unknownClient.status).toBe(400);
      // Not signed in: sent to the sign-in page and back.
      const anonymous = await fetch(`${t.url}/access-request?clientId=${app.id}`, { redirect: 'manual' });
      expect(anonymous.status).toBe(302);
      expect(anonymous.headers.get('location')).toMatch(/^\/login\?next=%2Faccess-request/);
    });

    it('rejects scopes outside the manifest', async () => {
      const res = await call<{ code: string }>(
        t.url,
        bob.token,
        'GET',
        `/workspaces/${bob.workspaceId}/workspaceUsers/${bob.workspaceUserId}/oauth2/grant?${new URLSearchParams({ clientId: app.id, scopes: 'messages:read,bot:channels:write', redirectUrl: REDIRECT })}`,
      );
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_scope');
    });
  });
}
