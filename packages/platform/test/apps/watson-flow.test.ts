import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pkceChallenge } from '../../src/oauth/grant-service.js';
import { call, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { consentViaPage, REDIRECT, type RegisteredApp, registerApp } from './oauth-dance.js';

describe('apps: on behalf of a person (Watson authorization code + refresh)', () => {
  let t: TestPlatform;
  let alice: Session;
  let app: RegisteredApp;
  const verifier = 'correct-horse-battery-staple-verifier-0123456789';
  const basic = () => `Basic ${Buffer.from(`${app.id}:${app.clientSecret}`).toString('base64')}`;
  const token = (body: Record<string, string>) =>
    fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body).toString(),
    });

  beforeAll(async () => {
    t = await startPlatform();
    alice = await login(t.url, 'alice@example.com');
    app = await registerApp(t.url, alice);
  });
  afterAll(async () => t?.stop());

  it('authorize → consent → code → JWT + rotating refresh token; replay and unauthorize end it', async () => {
    const authorize = new URLSearchParams({
      response_type: 'code',
      client_id: app.id,
      redirect_uri: REDIRECT,
      scope: 'messages:read user:read',
      state: 'st8',
      code_challenge: pkceChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const toConsent = await fetch(`${t.url}/oauth/authorize?${authorize}`, { redirect: 'manual' });
    expect(toConsent.status).toBe(302);
    const consentUrl = new URL(toConsent.headers.get('location') ?? '', t.url);
    const allowed = await consentViaPage(t.url, alice, Object.fromEntries(consentUrl.searchParams));
    const back = new URL(allowed.headers.get('location') ?? '');
    expect(back.searchParams.get('state')).toBe('st8');
    const code = back.searchParams.get('code') ?? '';

    // The Pumble endpoint does not redeem a Watson code, and a wrong verifier fails.
    const bad = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: 'x'.repeat(43) });
    expect(bad.status).toBe(400);
    const code2Res = await consentViaPage(t.url, alice, Object.fromEntries(consentUrl.searchParams));
    const code2 = new URL(code2Res.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const ok = await token({ grant_type: 'authorization_code', code: code2, redirect_uri: REDIRECT, code_verifier: verifier });
    expect(ok.status, await ok.clone().text()).toBe(200);
    const tokens = (await ok.json()) as { access_token: string; refresh_token: string; expires_in: number; scope: string };
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'messages:read user:read' });
    expect(tokens.refresh_token).toMatch(/^sbar_/);
    const me = await fetch(`${t.url}/v1/users/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(((await me.json()) as { id: string }).id).toBe(alice.workspaceUserId);

    const rotated = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(rotated.status).toBe(200);
    const next = (await rotated.json()) as { refresh_token: string; access_token: string };
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    const replay = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(replay.status).toBe(400);
    // Reuse detection revoked the newer refresh token too.
    expect((await token({ grant_type: 'refresh_token', refresh_token: next.refresh_token })).status).toBe(400);

    expect((await call(t.url, alice.token, 'DELETE', `/v1/apps/${app.id}/authorization`)).status).toBe(204);
    expect((await fetch(`${t.url}/v1/users/me`, { headers: { authorization: `Bearer ${next.access_token}` } })).status).toBe(401);
  });

  it('requires state and PKCE S256 on /oauth/authorize', async () => {
    const missing = await fetch(
      `${t.url}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: app.id, redirect_uri: REDIRECT, scope: 'messages:read' })}`,
      { redirect: 'manual' },
    );
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { code: string }).code).toBe('validation_failed');
  });
});
