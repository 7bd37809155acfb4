import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, DEMO_PASSWORD, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';

/** A clock the tests move by hand, so token expiry is tested without waiting 15 minutes. */
class FakeClock {
  t = Date.now();
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  return { header, payload };
}

async function rawLogin(url: string, email: string, password: string) {
  const response = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, setCookie: response.headers.getSetCookie() };
}

async function refresh(url: string, workspaceId: string, refreshToken: string) {
  const response = await fetch(`${url}/workspaces/${workspaceId}/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

async function meWithCookie(url: string, cookie: string) {
  const response = await fetch(`${url}/v1/users/me`, { headers: { cookie } });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

for (const dialect of await dialects()) {
  describe(`people auth (${dialect})`, () => {
    const clock = new FakeClock();
    let t: TestPlatform;
    beforeAll(async () => {
      t = await startPlatform({ dialect, clock });
    });
    afterAll(async () => t?.stop());

    const sessionRow = (id: string) => t.platform.services.store.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const sessionIdOf = (s: Session) => String(decodeJwt(s.token).payload.sid);

    it('signs in with email and password and stores only token hashes', async () => {
      const res = await rawLogin(t.url, 'Alice@Example.com ', DEMO_PASSWORD);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['refreshToken', 'token', 'workspaceId', 'workspaceUserId']);
      // JWT-shaped (pumble-cli decodes its `exp`), random inside: `jti` carries 256 bits.
      const [, refreshPayload] = String(res.body.refreshToken).split('.');
      const refreshClaims = JSON.parse(Buffer.from(refreshPayload, 'base64url').toString());
      expect(refreshClaims.jti).toMatch(/^sbr_[\w-]{43}$/);
      expect(refreshClaims.exp * 1000).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
      const me = await call<{ id: string; email: string }>(t.url, String(res.body.token), 'GET', '/v1/users/me');
      expect(me.body).toMatchObject({ id: res.body.workspaceUserId, email: 'alice@example.com', workspaceId: res.body.workspaceId });

      const sid = String(decodeJwt(String(res.body.token)).payload.sid);
      const row = await sessionRow(sid);
      expect(row).toMatchObject({ workspace_user_id: res.body.workspaceUserId, workspace_id: res.body.workspaceId, revoked_at: null });
      const cookieValue = res.setCookie[0].split(';')[0].split('=')[1];
      expect(row.cookie_hash).toBe(sha256(cookieValue));
      const refreshRows = await t.platform.services.store.db.selectFrom('refresh_tokens').selectAll().where('session_id', '=', sid).execute();
      expect(refreshRows).toEqual([expect.objectContaining({ token_hash: sha256(String(res.body.refreshToken)), used_at: null })]);
    });

    it('answers a wrong password and an unknown email identically', async () => {
      const wrong = await rawLogin(t.url, 'alice@example.com', 'not-the-password');
      const unknown = await rawLogin(t.url, 'nobody@example.com', DEMO_PASSWORD);
      for (const res of [wrong, unknown]) {
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('invalid_credentials');
        expect(res.setCookie).toEqual([]);
      }
      expect(wrong.body).toEqual(unknown.body);
    });

    it('sets an HttpOnly, SameSite=Lax session cookie without Secure over http', async () => {
      const res = await rawLogin(t.url, 'alice@example.com', DEMO_PASSWORD);
      expect(res.setCookie).toHaveLength(1);
      const [pair, ...attributes] = res.setCookie[0].split(';').map((s) => s.trim());
      expect(pair).toMatch(/^sb_session=sbs_[\w-]{43}$/);
      const names = attributes.map((a) => a.split('=')[0].toLowerCase());
      expect(names).toContain('httponly');
      expect(attributes).toContain('SameSite=Lax');
      expect(attributes).toContain('Path=/');
      expect(names).not.toContain('secure');
      // The cookie never doubles as a token in the body.
      expect(JSON.stringify(res.body)).not.toContain(pair.split('=')[1]);
    });

    it('issues an Authtoken that is an HS256 JWT with a 15-minute exp', async () => {
      const alice = await login(t.url, 'alice@example.com');
      const { header, payload } = decodeJwt(alice.token);
      expect(header).toMatchObject({ alg: 'HS256', typ: 'JWT' });
      expect(payload).toMatchObject({ sub: alice.workspaceUserId, wid: alice.workspaceId, iss: 'switchboard' });
      expect(typeof payload.exp).toBe('number');
      expect(Number(payload.exp) - Number(payload.iat)).toBe(15 * 60);
      expect(Number(payload.iat)).toBe(Math.floor(clock.now() / 1000));
    });

    it('authenticates by the session cookie alone and rejects garbage credentials', async () => {
      const alice = await login(t.url, 'alice@example.com');
      const me = await meWithCookie(t.url, alice.cookie);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: alice.workspaceUserId, email: 'alice@example.com' });

      expect((await meWithCookie(t.url, 'sb_session=sbs_forged')).body.code).toBe('unauthenticated');
      const none = await fetch(`${t.url}/v1/users/me`);
      expect(none.status).toBe(401);
      expect(((await none.json()) as { code: string }).code).toBe('unauthenticated');
      const garbage = await call<{ code: string }>(t.url, 'not-a-jwt', 'GET', '/v1/users/me');
      expect(garbage).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
      // A well-formed JWT signed with another key is just as invalid.
      const [h, p] = alice.token.split('.');
      const forged = await call<{ code: string }>(t.url, `${h}.${p}.${Buffer.alloc(32).toString('base64url')}`, 'GET', '/v1/users/me');
      expect(forged).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
    });

    it('rotates refresh tokens; replaying a used one ends the session', async () => {
      const alice = await login(t.url, 'alice@example.com');
      const first = await refresh(t.url, alice.workspaceId, alice.refreshToken);
      expect(first.status).toBe(200);
      expect(first.body.refreshToken).not.toBe(alice.refreshToken);
      expect(decodeJwt(first.body.token).payload.sid).toBe(sessionIdOf(alice));
      expect((await call(t.url, first.body.token, 'GET', '/v1/users/me')).status).toBe(200);

      const second = await refresh(t.url, alice.workspaceId, first.body.refreshToken);
      expect(second.status).toBe(200);

      // Replaying the very first token: rejected, and the whole session is over.
      const replay = await refresh(t.url, alice.workspaceId, alice.refreshToken);
      expect(replay).toMatchObject({ status: 400, body: { code: 'invalid_grant' } });
      expect((await sessionRow(sessionIdOf(alice))).revoked_at).not.toBeNull();
      expect(await refresh(t.url, alice.workspaceId, second.body.refreshToken)).toMatchObject({ status: 400, body: { code: 'invalid_grant' } });
      expect(await call(t.url, second.body.token, 'GET', '/v1/users/me')).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
      expect((await meWithCookie(t.url, alice.cookie)).status).toBe(401);
    });

    it('rejects a refresh for another workspace without burning the token', async () => {
      const alice = await login(t.url, 'alice@example.com');
      const wrong = await refresh(t.url, '01a0000000000000deadbeef', alice.refreshToken);
      expect(wrong).toMatchObject({ status: 400, body: { code: 'invalid_grant' } });
      expect(await refresh(t.url, alice.workspaceId, 'sbr_unknown')).toMatchObject({ status: 400, body: { code: 'invalid_grant' } });
      // A mistaken request must not count as a use (else the real refresh would look like a replay).
      const right = await refresh(t.url, alice.workspaceId, alice.refreshToken);
      expect(right.status).toBe(200);
      expect((await call(t.url, right.body.token, 'GET', '/v1/users/me')).status).toBe(200);
    });

    it('logout revokes the token, the cookie and the refresh token', async () => {
      const alice = await login(t.url, 'alice@example.com');
      const out = await fetch(`${t.url}/v1/auth/logout`, { method: 'POST', headers: { authtoken: alice.token } });
      expect(out.status).toBe(204);
      expect(out.headers.getSetCookie().join(';')).toMatch(/sb_session=;/);
      expect((await sessionRow(sessionIdOf(alice))).revoked_at).toBe(clock.now());
      expect(await call(t.url, alice.token, 'GET', '/v1/users/me')).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
      expect((await meWithCookie(t.url, alice.cookie)).body.code).toBe('unauthenticated');
      expect((await refresh(t.url, alice.workspaceId, alice.refreshToken)).body.code).toBe('invalid_grant');
    });

    it('expires the JWT after 15 minutes; a refresh gives a working one', async () => {
      const alice = await login(t.url, 'alice@example.com');
      clock.advance(15 * 60 * 1000 - 1000);
      expect((await call(t.url, alice.token, 'GET', '/v1/users/me')).status).toBe(200);
      clock.advance(1000);
      expect(await call(t.url, alice.token, 'GET', '/v1/users/me')).toMatchObject({ status: 401, body: { code: 'token_expired' } });
      const renewed = await refresh(t.url, alice.workspaceId, alice.refreshToken);
      expect(renewed.status).toBe(200);
      expect(decodeJwt(renewed.body.token).payload.exp).toBe(Math.floor(clock.now() / 1000) + 15 * 60);
      expect((await call(t.url, renewed.body.token, 'GET', '/v1/users/me')).status).toBe(200);
    });

    it('stops a deactivated person’s token, cookie, refresh token and login', async () => {
      const alice = await login(t.url, 'alice@example.com');
      const added = await call<{ id: string }>(t.url, alice.token, 'POST', '/v1/workspaceUsers', {
        email: 'dave@example.com',
        name: 'Dave',
        password: 'dave-password-1',
      });
      expect(added.status).toBe(201);
      const dave = await login(t.url, 'dave@example.com', 'dave-password-1');
      expect((await call(t.url, dave.token, 'GET', '/v1/users/me')).status).toBe(200);

      const patched = await call<{ status: string }>(t.url, alice.token, 'PATCH', `/v1/workspaceUsers/${added.body.id}`, { status: 'DEACTIVATED' });
      expect(patched.body.status).toBe('DEACTIVATED');
      expect((await sessionRow(sessionIdOf(dave))).revoked_at).not.toBeNull();
      expect(await call(t.url, dave.token, 'GET', '/v1/users/me')).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
      expect((await meWithCookie(t.url, dave.cookie)).status).toBe(401);
      expect((await refresh(t.url, dave.workspaceId, dave.refreshToken)).body.code).toBe('invalid_grant');
      const again = await rawLogin(t.url, 'dave@example.com', 'dave-password-1');
      expect(again.status).toBe(403);
      expect(again.body.code).toBe('forbidden');
    });
  });
}
