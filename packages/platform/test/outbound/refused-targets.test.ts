import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeCode, grantCode, type RegisteredApp, registerApp, testManifest } from '../apps/oauth-dance.js';
import { call, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { AppReceiver } from '../triggers/app-receiver.js';
import { createWebhook, hooksPath } from '../webhooks/setup.js';
import { WatsonReceiver } from '../webhooks/watson-receiver.js';

/**
 * A platform with the production default (allowPrivateTargets: false): every outbound path —
 * slash command, event delivery, webhook verification — refuses the loopback receivers.
 */
describe('outbound URL safety: a production platform refuses loopback targets', () => {
  let t: TestPlatform;
  let alice: Session;
  let app: RegisteredApp;
  const receiver = new AppReceiver(() => app.signingSecret);
  const watson = new WatsonReceiver();
  let general: string;

  beforeAll(async () => {
    t = await startPlatform({ config: { allowPrivateTargets: false } });
    alice = await login(t.url, 'alice@example.com');
    const base = await receiver.start();
    await watson.start();
    // Registration only checks the scheme: the connect-time check is the real one.
    app = await registerApp(
      t.url,
      alice,
      testManifest({
        name: 'loopback_app',
        slashCommands: [{ command: '/local', url: `${base}/slash` }],
        eventSubscriptions: { url: `${base.replace('127.0.0.1', 'localhost')}/events`, events: ['NEW_MESSAGE'] },
        offlineMessage: 'Local is down',
        scopes: { botScopes: ['messages:read', 'messages:write'], userScopes: ['messages:read'] },
        welcomeMessage: null,
      }),
    );
    const code = await grantCode(t.url, alice, app, { scopes: 'messages:read,bot:messages:read,bot:messages:write' });
    await exchangeCode(t.url, { 'client-id': app.id, 'client-secret': app.clientSecret, code });
    const channels = await call<{ channel: { id: string; name: string } }[]>(t.url, alice.token, 'GET', '/v1/channels');
    general = channels.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
  });
  afterAll(async () => {
    await t?.stop();
    await receiver.stop();
    await watson.stop();
  });

  it('a slash command to a loopback URL shows the offline message and never reaches the app', async () => {
    receiver.answer = () => ({ status: 200, body: { message: 'should not be seen' } });
    const res = await call<{ outcome: string }>(t.url, alice.token, 'POST', `/v1/channels/${general}/messages`, { text: '/local hi' });
    expect(res.body.outcome).toBe('offline');
    expect(receiver.received).toEqual([]);
  });

  it('an event to a host name resolving to loopback is not delivered and records target_forbidden', async () => {
    await call(t.url, alice.token, 'POST', `/v1/channels/${general}/messages`, { text: 'news' });
    const db = t.platform.services.store.db;
    let row: { status: string; last_error: string | null; attempts: number } | undefined;
    for (let i = 0; i < 100 && !row?.last_error; i += 1) {
      row = await db.selectFrom('event_outbox').select(['status', 'last_error', 'attempts']).where('app_id', '=', app.id).executeTakeFirst();
      if (!row?.last_error) await new Promise((r) => setTimeout(r, 30));
    }
    // Refused targets follow the retry schedule (see README): pending, one attempt counted.
    expect(row).toEqual({ status: 'pending', last_error: 'target_forbidden', attempts: 1 });
    expect(receiver.received).toEqual([]);
  });

  it('enabling a webhook on a loopback URL fails verification with reason target_forbidden', async () => {
    const hook = await createWebhook(t, alice, app.id, `${watson.url}/hook`);
    watson.secret = hook.secret ?? '';
    const res = await call<{ code: string; reason: string; message: string }>(t.url, alice.token, 'POST', `${hooksPath(app.id)}/${hook.id}/enable`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'webhook_verification_failed', reason: 'target_forbidden' });
    expect(res.body.message).toMatch(/loopback/);
    expect(watson.challenges).toEqual([]);
  });

  it('counts every refusal on /metrics by address range', async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('switchboard_outbound_refused_total{range="loopback"}'));
    // At least: the slash command, the event's first attempt and the verification above.
    expect(Number(line?.split(' ').at(-1))).toBeGreaterThanOrEqual(3);
    expect(text).not.toMatch(/switchboard_outbound_refused_total\{range="(?!loopback)/);
  });
});
