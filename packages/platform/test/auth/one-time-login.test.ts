import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, dialects, login, startPlatform, type TestPlatform } from '../harness.js';

async function open(link: string) {
  const response = await fetch(link, { redirect: 'manual' });
  return {
    status: response.status,
    location: response.headers.get('location'),
    cookie: (response.headers.get('set-cookie') ?? '').split(';')[0],
    text: await response.text(),
  };
}

describe.each(await dialects())('one-time sign-in links (%s)', (dialect) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startPlatform({ dialect });
  });
  afterAll(() => t?.stop());

  it('a signed-in person gets a link that signs a browser in once', async () => {
    const alice = await login(t.url, 'alice@example.com');
    const issued = await call<{ url: string; expiresAt: number }>(t.url, alice.token, 'POST', '/v1/auth/one-time-login', { next: '/somewhere' });
    expect(issued.status).toBe(200);
    expect(issued.body.url.startsWith(`${t.url}/login/once?token=sbl_`)).toBe(true);
    expect(issued.body.expiresAt).toBeGreaterThan(Date.now());

    const first = await open(issued.body.url);
    expect(first.status).toBe(303);
    expect(first.location).toBe('/somewhere');
    const me = await fetch(`${t.url}/v1/workspaceUsers/${alice.workspaceUserId}`, { headers: { cookie: first.cookie } });
    expect(me.status).toBe(200);

    const second = await open(issued.body.url);
    expect(second.status).toBe(400);
    expect(second.text).toContain('already used');
  });

  it('the in-process issuer signs in the demo person by email; a forged or foreign next is refused', async () => {
    const { token } = await t.platform.services.oneTimeLogins.issueForEmail('bob@example.com');
    const redeemed = await t.platform.services.oneTimeLogins.redeem(token);
    const bob = await login(t.url, 'bob@example.com');
    expect(redeemed.workspaceUserId).toBe(bob.workspaceUserId);
    await expect(t.platform.services.oneTimeLogins.redeem(token)).rejects.toThrow(/already used/);
    expect((await open(`${t.url}/login/once?token=sbl_forged`)).status).toBe(400);

    const link = await t.platform.services.oneTimeLogins.issueForEmail('bob@example.com');
    const away = await open(`${t.url}/login/once?token=${link.token}&next=//evil.test/x`);
    expect(away.location).toBe('/');
    await expect(t.platform.services.oneTimeLogins.issueForEmail('nobody@example.com')).rejects.toThrow(/No active person/);
  });

  it('asking without a session is 401', async () => {
    const response = await fetch(`${t.url}/v1/auth/one-time-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe('unauthenticated');
  });
});
