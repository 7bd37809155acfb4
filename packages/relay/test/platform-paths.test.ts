import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, login, startPlatform, type TestPlatform } from '../../platform/test/harness.js';
import { channelId, createWebhook, hooksPath, installedApp } from '../../platform/test/webhooks/setup.js';
import { appToken, postHook, pumbleHeaders, relayCall, startTestRelay, TestConsumer, type TestRelay, until } from './relay-kit.js';

describe('relay with the real platform: webhooks, triggers, tokens', () => {
  let t: TestPlatform;
  let r: TestRelay;
  let appId: string;
  let token: string;
  let signingSecret: string;
  let clientSecret: string;

  beforeAll(async () => {
    // Short-lived app tokens, so expiry happens within the test.
    t = await startPlatform({ config: { appTokenTtlSeconds: 15 } });
    const alice = await login(t.url, 'alice@example.com');
    const app = await installedApp(t, alice, 'relay_hooks');
    appId = app.id;
    signingSecret = app.signingSecret;
    clientSecret = app.clientSecret;
    r = await startTestRelay({ platformUrl: t.url, triggerDeadlineMs: 300, logLevel: process.env.RELAY_LOG ?? 'silent' });
  });
  // Tokens live 15 s here: each test starts with a fresh one.
  beforeEach(async () => {
    if (t.platform) token = await appToken(t.url, { id: appId, clientSecret, appKey: '', signingSecret });
  });
  afterAll(async () => {
    await r?.stop();
    await t?.stop();
  });

  it('enables a platform webhook through the relay’s own challenge answer, then carries its events', async () => {
    const alice = await login(t.url, 'alice@example.com');
    const bob = await login(t.url, 'bob@example.com');
    const hook = await createWebhook(t, alice, appId, `${r.url}/hook/${appId}`);
    // The webhook's secret next to the app's signing secret (our `secrets` extension).
    expect((await relayCall(r.url, token, 'PUT', `/webhooks/${appId}`, { secret: signingSecret, secrets: [hook.secret] })).status).toBe(201);
    const enabled = await call<{ enabled: boolean }>(t.url, alice.token, 'POST', `${hooksPath(appId)}/${hook.id}/enable`);
    expect(enabled).toMatchObject({ status: 200, body: { enabled: true } });

    const consumer = new TestConsumer(r.url, appId, token);
    await consumer.open();
    const general = await channelId(t, alice, 'general');
    await call(t.url, bob.token, 'POST', `/v1/channels/${general}/messages`, { text: 'through the relay' });
    await consumer.waitFor(() => consumer.events().some((e) => (e.data as { content?: string }).content === 'through the relay'), 'the webhook event');
    const frame = consumer.events().find((e) => (e.data as { content?: string }).content === 'through the relay');
    const headers = frame?.headers as Record<string, string>;
    expect(headers['x-outbound-token']).toMatch(/^[0-9a-f]{64}$/);
    expect(headers['x-outbound-index']).toBeTruthy();
    consumer.ack(frame?.id as string);
    await consumer.close();
  });

  it('relays a trigger to a connected consumer and answers with its reply; 503 without one or past the deadline', async () => {
    const body = JSON.stringify({
      messageType: 'SLASH_COMMAND',
      slashCommand: '/x',
      text: 'hi',
      userId: 'U',
      channelId: 'C',
      workspaceId: 'W',
      triggerId: 'T',
    });
    const none = await postHook(r.url, appId, pumbleHeaders(signingSecret, body), body);
    expect(none.status).toBe(503);
    expect(await none.json()).toMatchObject({ code: 'unavailable' });

    const consumer = new TestConsumer(r.url, appId, token);
    await consumer.open();
    consumer.ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; id: string; data: { text: string } };
      if (frame.type === 'trigger') consumer.send({ type: 'trigger_reply', id: frame.id, status: 200, body: { message: `echo ${frame.data.text}` } });
    });
    const answered = await postHook(r.url, appId, pumbleHeaders(signingSecret, body), body);
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ message: 'echo hi' });
    const trigger = consumer.frames.find((f) => f.type === 'trigger');
    expect(trigger?.raw).toBe(body);
    expect((trigger?.headers as Record<string, string> | undefined)?.['x-pumble-request-signature']).toBeTruthy();
    // Triggers are never stored.
    expect((await relayCall<{ events: unknown[] }>(r.url, token, 'GET', `/webhooks/${appId}/events?state=queued`)).body.events).toEqual([]);
    await consumer.close();

    const silent = new TestConsumer(r.url, appId, token);
    await silent.open();
    const started = Date.now();
    const late = await postHook(r.url, appId, pumbleHeaders(signingSecret, body), body);
    expect(late.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2_000);
    await silent.waitFor(() => silent.frames.some((f) => f.type === 'trigger'), 'the trigger');
    const id = silent.frames.find((f) => f.type === 'trigger')?.id;
    silent.send({ type: 'trigger_reply', id, status: 200, body: {} });
    await silent.waitFor(() => silent.frames.some((f) => f.type === 'error' && f.code === 'unknown_trigger'), 'the late reply refused');
    await silent.close();
  });

  it('closes a WebSocket with 4401 when its token expires, and refuses the expired token', async () => {
    const fresh = token;
    const consumer = new TestConsumer(r.url, appId, fresh);
    await consumer.open();
    await consumer.waitFor(() => consumer.closeCode !== undefined, 'the expiry close', 20_000);
    expect(consumer.closeCode).toBe(4401);
    const refused = await relayCall(r.url, fresh, 'GET', `/webhooks/${appId}?limit=1`);
    expect(refused).toMatchObject({ status: 401, body: { code: 'token_expired' } });
  }, 30_000);

  it('accepts a token signed by a rotated-in key (the JWKS is fetched again for an unknown kid)', async () => {
    // The relay has the current key cached from the tests above; the platform now signs with a new one.
    await t.platform.services.identityKeys.rotate();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const rotated = await appToken(t.url, { id: appId, clientSecret, appKey: '', signingSecret });
    expect(JSON.parse(Buffer.from(rotated.split('.')[0], 'base64url').toString()).kid).not.toBe(
      JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid,
    );
    const listed = await relayCall(r.url, rotated, 'GET', `/webhooks/${appId}/events`);
    expect(listed.status).toBe(200);
  });

  it('keeps ingesting while the platform is unreachable', async () => {
    await t.platform.close();
    const body = JSON.stringify({ messageType: 'PUMBLE_EVENT', eventType: 'NEW_MESSAGE', workspaceId: 'W', workspaceUserIds: [], body: '{}' });
    const response = await postHook(r.url, appId, pumbleHeaders(signingSecret, body), body);
    expect(response.status).toBe(201);
    await until(async () => (await r.relay.events.queueStats()).some((s) => s.appId === appId), 'the stored event');
  });
});
