import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from '../harness.js';

/** People's sign-in routes are limited per client address (the global limiter only counts app tokens). */
describe('per-client limits on sign-in', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startPlatform();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('answers 429 rate_limited with Retry-After after 20 sign-in attempts a minute', async () => {
    const attempt = () =>
      fetch(`${t.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'alice@example.com', password: 'not-the-password' }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i += 1) statuses.push((await attempt()).status);
    expect(new Set(statuses)).toEqual(new Set([401]));
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ code: 'rate_limited' });
  });
});
