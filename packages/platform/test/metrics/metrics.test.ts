import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeCode, grantCode, type RegisteredApp, registerApp, testManifest } from '../apps/oauth-dance.js';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { AppReceiver } from '../triggers/app-receiver.js';

/** The value of one sample of the Prometheus text, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelPart = line.slice(name.length).split(' ')[0];
    if (wanted.every((pair) => labelPart.includes(pair))) return Number(line.split(' ').at(-1));
  }
  return 0;
}

async function scrape(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; type: string | null }> {
  const response = await fetch(`${url}/metrics`, { headers });
  return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
}

for (const dialect of await dialects()) {
  describe(`/metrics (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let app: RegisteredApp;
    let general: string;
    const receiver = new AppReceiver(() => app.signingSecret);

    beforeAll(async () => {
      t = await startPlatform({ dialect });
      alice = await login(t.url, 'alice@example.com');
      const base = await receiver.start();
      app = await registerApp(
        t.url,
        alice,
        testManifest({
          name: 'metrics_app',
          slashCommands: [],
          eventSubscriptions: { url: `${base}/events`, events: ['NEW_MESSAGE'] },
          scopes: { botScopes: ['messages:read'], userScopes: ['messages:read'] },
          welcomeMessage: null,
        }),
      );
      const code = await grantCode(t.url, alice, app, { scopes: 'messages:read,bot:messages:read' });
      await exchangeCode(t.url, { 'client-id': app.id, 'client-secret': app.clientSecret, code });
      const channels = await call<{ channel: { id: string; name: string } }[]>(t.url, alice.token, 'GET', '/v1/channels');
      general = channels.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
    });
    afterAll(async () => {
      await t?.stop();
      await receiver.stop();
    });

    const waitFor = async (what: string, check: (text: string) => boolean) => {
      const deadline = Date.now() + 5000;
      for (;;) {
        const { text } = await scrape(t.url);
        if (check(text)) return text;
        if (Date.now() > deadline) throw new Error(`metrics never showed ${what}:\n${text}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };

    it('counts real deliveries by outcome and transport, with attempt latencies and queue gauges', async () => {
      const before = await scrape(t.url);
      expect(before.status).toBe(200);
      expect(before.type).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(before.text).toContain('# TYPE switchboard_deliveries_total counter');
      expect(before.text).toContain('process_cpu_user_seconds_total');
      const delivered = (text: string) => sample(text, 'switchboard_deliveries_total', { outcome: 'delivered', transport: 'http' });
      const okAttempts = (text: string) => sample(text, 'switchboard_delivery_attempt_duration_seconds_count', { transport: 'http', result: 'ok' });

      receiver.answer = () => ({ status: 200, body: {} });
      for (const text of ['one', 'two', 'three']) await call(t.url, alice.token, 'POST', `/v1/channels/${general}/messages`, { text });
      // Counters move when the outcome is known; the gauge once the outcome is committed.
      const after = await waitFor(
        'three deliveries',
        (text) => delivered(text) === delivered(before.text) + 3 && sample(text, 'switchboard_outbox_pending') === 0,
      );
      expect(okAttempts(after)).toBe(okAttempts(before.text) + 3);
      expect(sample(after, 'switchboard_delivery_attempt_duration_seconds_sum', { transport: 'http', result: 'ok' })).toBeGreaterThan(0);
      expect(sample(after, 'switchboard_outbox_pending')).toBe(0);
      expect(sample(after, 'switchboard_outbox_oldest_pending_age_seconds')).toBe(0);

      receiver.answer = () => ({ status: 503 });
      await call(t.url, alice.token, 'POST', `/v1/channels/${general}/messages`, { text: 'fails' });
      const failing = await waitFor('a scheduled retry', (text) => sample(text, 'switchboard_deliveries_total', { outcome: 'retry', transport: 'http' }) === 1);
      expect(sample(failing, 'switchboard_delivery_attempt_duration_seconds_count', { transport: 'http', result: 'retry' })).toBe(1);
      expect(sample(failing, 'switchboard_outbox_pending')).toBe(1);
      expect(sample(failing, 'switchboard_outbox_oldest_pending_age_seconds')).toBeGreaterThan(0);
      expect(delivered(failing)).toBe(delivered(after));
    });

    it('serves loopback clients only when no token is configured', async () => {
      const remote = await t.platform.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' });
      expect(remote.statusCode).toBe(403);
      expect(remote.json()).toMatchObject({ code: 'forbidden' });
      const local = await t.platform.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '::ffff:127.0.0.1' });
      expect(local.statusCode).toBe(200);
    });
  });
}

describe('/metrics with a metrics token', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startPlatform({ seedDemo: false, config: { metricsToken: 'scrape-secret-123' } });
  });
  afterAll(() => t?.stop());

  it('requires the bearer token from every client, loopback included', async () => {
    expect((await scrape(t.url)).status).toBe(401);
    const wrong = await scrape(t.url, { authorization: 'Bearer scrape-secret-124' });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.text)).toMatchObject({ code: 'unauthenticated' });
    const right = await scrape(t.url, { authorization: 'Bearer scrape-secret-123' });
    expect(right.status).toBe(200);
    expect(right.text).toContain('switchboard_outbox_pending 0');
    const remote = await t.platform.app.inject({
      method: 'GET',
      url: '/metrics',
      remoteAddress: '203.0.113.5',
      headers: { authorization: 'Bearer scrape-secret-123' },
    });
    expect(remote.statusCode).toBe(200);
  });
});
