import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startPlatform, type TestPlatform } from '../harness.js';
import { exchangeCode, grantCode, registerApp } from './oauth-dance.js';

describe('apps: per-token rate limit', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startPlatform({ config: { appRateLimitPerSecond: 5 } });
  });
  afterAll(async () => t?.stop());

  it('answers 429 with Retry-After once a token exceeds its budget, without touching other tokens or people', async () => {
    const alice = await login(t.url, 'alice@example.com');
    const app = await registerApp(t.url, alice);
    const tokens = await exchangeCode(t.url, { 'client-id': app.id, 'client-secret': app.clientSecret, code: await grantCode(t.url, alice, app) });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${t.url}/oauth2/me`, { headers: { token: tokens.body.botToken, 'x-app-token': app.appKey } });
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after');
        expect(((await res.json()) as { code: string }).code).toBe('rate_limited');
      } else await res.arrayBuffer();
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const userToken = await fetch(`${t.url}/oauth2/me`, { headers: { token: tokens.body.accessToken, 'x-app-token': app.appKey } });
    expect(userToken.status).toBe(200);
    const person = await fetch(`${t.url}/v1/users/me`, { headers: { authtoken: alice.token } });
    expect(person.status).toBe(200);
  });
});
