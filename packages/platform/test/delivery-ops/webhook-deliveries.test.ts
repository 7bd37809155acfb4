import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { channelId, createWebhook, hooksPath, installedApp } from '../webhooks/setup.js';
import { WatsonReceiver } from '../webhooks/watson-receiver.js';

interface Delivery {
  id: string;
  webhookId: string | null;
  status: string;
  lastStatus: number | null;
  lastError: string | null;
  inFlight: boolean;
}

describe('delivery operations API: Watson webhook deliveries', () => {
  let t: TestPlatform;
  let alice: Session;
  const receiver = new WatsonReceiver();

  beforeAll(async () => {
    t = await startPlatform();
    alice = await login(t.url, 'alice@example.com');
    await receiver.start();
  });
  afterAll(async () => {
    await t?.stop();
    await receiver.stop();
  });

  it('lists webhook deliveries by webhook and records a non-Watson 2xx as a failed attempt at the webhook URL', async () => {
    const app = await installedApp(t, alice, 'ops_hooks');
    const hook = await createWebhook(t, alice, app.id, receiver.url);
    receiver.secret = hook.secret ?? '';
    expect((await call(t.url, alice.token, 'POST', `${hooksPath(app.id)}/${hook.id}/enable`)).status).toBe(200);
    // Seed 003: only 200, 201, 203 and 204 count; a 202 is retried.
    receiver.answer = () => 202;
    const general = await channelId(t, alice, 'general');
    await call(t.url, alice.token, 'POST', `/v1/channels/${general}/messages`, { text: 'to the webhook' });
    await receiver.waitForEvents(1);

    const path = `/v1/apps/${app.id}/deliveries`;
    let listed: Delivery[] = [];
    for (let i = 0; i < 100; i += 1) {
      listed = (await call<{ deliveries: Delivery[] }>(t.url, alice.token, 'GET', `${path}?webhookId=${hook.id}`)).body.deliveries;
      if (listed[0]?.lastStatus === 202 && !listed[0].inFlight) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(listed).toEqual([expect.objectContaining({ webhookId: hook.id, status: 'pending', lastStatus: 202, lastError: 'http_202' })]);
    expect((await call<{ deliveries: Delivery[] }>(t.url, alice.token, 'GET', `${path}?webhookId=000000000000000000000000`)).body.deliveries).toEqual([]);

    const detail = await call<{ attempts: { url: string; transport: string; outcome: string; statusCode: number }[] }>(
      t.url,
      alice.token,
      'GET',
      `${path}/${listed[0].id}`,
    );
    expect(detail.body.attempts).toEqual([expect.objectContaining({ url: receiver.url, transport: 'http', outcome: 'retry', statusCode: 202 })]);
  });
});
