import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type App, AppTokenManager, createApp } from '@switchboard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testManifest } from '../../../platform/test/apps/oauth-dance.js';
import { type PlatformApp, platformWithApp, postHook, pumbleHeaders, relayCall, startTestRelay, type TestRelay, until } from '../../../relay/test/relay-kit.js';
import { type Listener, replayEvent, startListening } from './listen.js';

describe('switchboard listen: relay → local app, byte for byte', () => {
  let p: PlatformApp;
  let r: TestRelay;
  let app: App;
  let appUrl: string;
  let listener: Listener | undefined;
  let tokens: AppTokenManager;
  const lines: string[] = [];
  const seen: string[] = [];

  beforeAll(async () => {
    p = await platformWithApp();
    r = await startTestRelay({ platformUrl: p.t.url, ackTimeoutMs: 300, pollIntervalMs: 50 });
    tokens = new AppTokenManager({ baseUrl: p.t.url, appId: p.app.id, clientSecret: p.app.clientSecret });
    expect((await relayCall(r.url, await tokens.getToken(), 'PUT', `/webhooks/${p.app.id}`, { secret: p.app.signingSecret })).status).toBe(201);
    // The local app checks the platform's signature itself: only untouched bytes and headers pass.
    app = createApp({ manifest: testManifest() as never, signingSecret: p.app.signingSecret })
      .command('/echo', (ctx) => ctx.ack(`local: ${ctx.payload.text}`))
      .event('NEW_MESSAGE', (ctx) => {
        seen.push(ctx.payload.workspaceId);
      });
    appUrl = (await app.start({ port: 0 }))?.url ?? '';
  });
  afterAll(async () => {
    await listener?.stop();
    await app?.stop();
    await r?.stop();
    await p?.t.stop();
  });

  const event = (n: number) =>
    JSON.stringify({ messageType: 'PUMBLE_EVENT', eventType: 'NEW_MESSAGE', workspaceId: `W${n}`, workspaceUserIds: ['U'], body: JSON.stringify(messageBody) });

  const messageBody = { mId: 'M', wId: 'W', cId: 'C', trId: '', aId: 'U', tx: 'hi', bl: [], ty: 'NEW_MESSAGE', ts: '2025-11-23T12:00:00.000Z', tsm: 1, f: [] };

  it('forwards events with their signature (the SDK app verifies them) and acks after its 2xx', async () => {
    listener = await startListening({ relayUrl: r.url, appId: p.app.id, tokens, forward: `${appUrl}/hook`, print: (line) => lines.push(line) });
    await listener.connection.whenOpen();
    for (const n of [1, 2]) expect((await postHook(r.url, p.app.id, pumbleHeaders(p.app.signingSecret, event(n)), event(n))).status).toBe(201);
    await until(() => seen.length === 2, 'both events at the local app');
    expect(seen).toEqual(['W1', 'W2']);
    await until(async () => (await r.relay.events.queueStats()).length === 0, 'the acks');
    expect(lines.filter((line) => / event +evt_\S+ +→ 200 +\d+ ms$/.test(line))).toHaveLength(2);
  });

  it('returns a trigger’s local answer to the platform', async () => {
    const body = JSON.stringify({
      messageType: 'SLASH_COMMAND',
      slashCommand: '/echo',
      text: 'yo',
      userId: 'U',
      channelId: 'C',
      workspaceId: 'W',
      triggerId: 'T',
    });
    const response = await postHook(r.url, p.app.id, pumbleHeaders(p.app.signingSecret, body), body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: 'local: yo' });
    expect(lines.some((line) => line.includes(' trigger ') && line.includes('→ 200'))).toBe(true);
  });

  it('keeps an event queued while the local app fails, and delivers it once the app answers 2xx', async () => {
    await listener?.stop();
    let failures = 0;
    const flaky: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        failures += 1;
        res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const flakyUrl = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/hook`;
    listener = await startListening({ relayUrl: r.url, appId: p.app.id, tokens, forward: flakyUrl, print: (line) => lines.push(line) });
    await listener.connection.whenOpen();
    await postHook(r.url, p.app.id, pumbleHeaders(p.app.signingSecret, event(3)), event(3));
    await until(() => failures >= 2, 'the failed local deliveries re-sent');
    expect((await r.relay.events.queueStats())[0]?.depth).toBe(1);
    await listener.stop();
    await new Promise<void>((resolve) => flaky.close(() => resolve()));
    // With the signing secret: a replayed event is signed afresh, so the app's replay guard takes it.
    listener = await startListening({
      relayUrl: r.url,
      appId: p.app.id,
      tokens,
      forward: `${appUrl}/hook`,
      signingSecret: p.app.signingSecret,
      print: (line) => lines.push(line),
    });
    await until(() => seen.includes('W3'), 'the event at the working app');
    await until(async () => (await r.relay.events.queueStats()).length === 0, 'the ack');
  });

  it('--replay queues a past event again and forwards it, signed afresh (the app refuses the same signature twice)', async () => {
    const [past] = await r.relay.events.list(p.app.id, { since: 0, limit: 1, state: 'acked' });
    await replayEvent(r.url, p.app.id, past.id, tokens);
    await until(() => seen.filter((w) => w === 'W1').length === 2, 'the replayed event', 15_000);
    await expect(replayEvent(r.url, p.app.id, 'evt_missing', tokens)).rejects.toThrow(/404/);
  });
});
