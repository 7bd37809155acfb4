import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { exchangeCode, grantCode, type RegisteredApp, registerApp } from './oauth-dance.js';

for (const dialect of await dialects()) {
  describe(`apps: app identity JWT (${dialect})`, () => {
    let t: TestPlatform;
    let now = Date.now();
    let alice: Session;
    let app: RegisteredApp;
    const tokenRequest = (id: string, secret: string, body: Record<string, string> = { grant_type: 'client_credentials' }) =>
      fetch(`${t.url}/oauth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
      });
    const bearer = (token: string, path = '/v1/users/me') => fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

    beforeAll(async () => {
      t = await startPlatform({ dialect, clock: { now: () => now } });
      alice = await login(t.url, 'alice@example.com');
      app = await registerApp(t.url, alice);
      const installed = await exchangeCode(t.url, { 'client-id': app.id, 'client-secret': app.clientSecret, code: await grantCode(t.url, alice, app) });
      expect(installed.status).toBe(200);
    });
    afterAll(async () => t?.stop());

    it('issues an ES256 JWT for client credentials and the API accepts it as the bot', async () => {
      const res = await tokenRequest(app.id, app.clientSecret);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number; scope: string };
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
      const [header, claims] = body.access_token
        .split('.')
        .slice(0, 2)
        .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
      expect(header.alg).toBe('ES256');
      expect(claims).toMatchObject({ sub: app.id, aud: 'switchboard:api', iss: 'switchboard' });
      expect(typeof claims.jti).toBe('string');
      const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string; d?: string }[] };
      expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
      expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
      const me = await bearer(body.access_token);
      expect(me.status).toBe(200);
      expect(((await me.json()) as { role: string }).role).toBe('bot');
      // Bot scopes apply: no channels:write.
      expect(
        (
          await fetch(`${t.url}/v1/channels`, {
            method: 'POST',
            headers: { authorization: `Bearer ${body.access_token}`, 'content-type': 'application/json' },
            body: '{"name":"x"}',
          })
        ).status,
      ).toBe(403);
    });

    it('refuses a wrong secret, another grant type and missing Basic auth', async () => {
      expect((await tokenRequest(app.id, 'wrong')).status).toBe(401);
      expect((await tokenRequest(app.id, app.clientSecret, { grant_type: 'password' })).status).toBe(400);
      const noAuth = await fetch(`${t.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      expect(noAuth.status).toBe(401);
    });

    it('rejects a tampered signature, alg none, a wrong audience and an expired token', async () => {
      const good = ((await (await tokenRequest(app.id, app.clientSecret)).json()) as { access_token: string }).access_token;
      const [h, p, s] = good.split('.');
      const flipped = `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`;
      expect((await bearer(flipped)).status).toBe(401);
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
      expect((await bearer(none)).status).toBe(401);
      const { kid, key } = await t.platform.services.identityKeys.signingKey();
      const wrongAud = await new SignJWT({ ...claims, aud: 'someone-else' }).setProtectedHeader({ alg: 'ES256', kid }).sign(key);
      expect((await bearer(wrongAud)).status).toBe(401);
      const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid }).sign(new TextEncoder().encode('x'.repeat(32)));
      expect((await bearer(forged)).status).toBe(401);
      now += 3601_000;
      const expired = await bearer(good);
      expect(expired.status).toBe(401);
      expect(((await expired.json()) as { code: string }).code).toBe('token_expired');
    });

    it('after a key rotation old tokens still verify and the JWKS lists both keys', async () => {
      const before = ((await (await tokenRequest(app.id, app.clientSecret)).json()) as { access_token: string }).access_token;
      await t.platform.services.identityKeys.rotate();
      const after = ((await (await tokenRequest(app.id, app.clientSecret)).json()) as { access_token: string }).access_token;
      expect((await bearer(before)).status).toBe(200);
      expect((await bearer(after)).status).toBe(200);
      const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
      expect(jwks.keys.length).toBeGreaterThanOrEqual(2);
    });

    it('an uninstalled app’s JWT stops working', async () => {
      const token = ((await (await tokenRequest(app.id, app.clientSecret)).json()) as { access_token: string }).access_token;
      alice = await login(t.url, 'alice@example.com'); // the fake clock has moved past her JWT's expiry
      expect((await call(t.url, alice.token, 'DELETE', `/v1/apps/${app.id}/installation`)).status).toBe(204);
      expect((await bearer(token)).status).toBe(401);
    });
  });
}
