import type { ManifestInput } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisteredApp } from '../../../platform/test/apps/oauth-dance.js';
import { call, login, type Session, startPlatform, type TestPlatform } from '../../../platform/test/harness.js';
import { installSocketApp, until } from '../../../platform/test/socket/socket-app.js';
import { type App, createApp } from '../app/app.js';
import { SocketReceiver } from './socket-receiver.js';

const manifest: ManifestInput = {
  name: 'sock_bot',
  displayName: 'Sock Bot',
  bot: true,
  socketMode: true,
  scopes: { botScopes: ['messages:read', 'messages:write'], userScopes: ['messages:read'] },
  shortcuts: [],
  slashCommands: [{ command: '/sockbot', url: 'https://unused.example/slash' }],
  eventSubscriptions: { url: 'https://unused.example/events', events: ['NEW_MESSAGE'] },
  redirectUrls: [],
};

describe('SDK socket receiver against the real platform', () => {
  let t: TestPlatform;
  let alice: Session;
  let bob: Session;
  let registered: RegisteredApp;
  let general: string;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    t = await startPlatform();
    alice = await login(t.url, 'alice@example.com');
    bob = await login(t.url, 'bob@example.com');
    ({ app: registered, general } = await installSocketApp(t.url, alice));
  });
  afterAll(async () => {
    for (const stop of stops.splice(0)) await stop();
    await t?.stop();
  });

  function makeApp(options: Partial<ConstructorParameters<typeof SocketReceiver>[0]> = {}): {
    app: App;
    receiver: SocketReceiver;
    seen: string[];
    errors: unknown[];
  } {
    const receiver = new SocketReceiver({
      appId: registered.id,
      appKey: registered.appKey,
      baseUrl: t.url,
      backoff: { initialMs: 50, maxMs: 200 },
      ...options,
    });
    const errors: unknown[] = [];
    // No signingSecret: socket frames are authenticated by the connection URL, not by HMAC.
    const app = createApp({ manifest, receiver, onError: (e) => void errors.push(e) });
    const seen: string[] = [];
    app.command('/sockbot', (ctx) => ctx.ack(`socket says ${ctx.payload.text}`));
    app.event('NEW_MESSAGE', (ctx) => {
      seen.push((ctx.payload.body as { tx: string }).tx);
    });
    stops.push(() => app.stop());
    return { app, receiver, seen, errors };
  }

  it('answers a slash command and receives events in order, acking them', async () => {
    const { app, receiver, seen } = makeApp();
    await app.start();
    await receiver.whenOpen();
    const res = await call<{ outcome: string }>(t.url, alice.token, 'POST', `/v1/channels/${general}/messages`, { text: '/sockbot hi' });
    expect(res.body.outcome).toBe('acked');
    for (let i = 0; i < 10; i += 1) await call(t.url, bob.token, 'POST', `/v1/channels/${general}/messages`, { text: `sdk ${i}` });
    await until(() => seen.length >= 10, 'ten events');
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `sdk ${i}`));
    await app.stop();
    expect(receiver.status).toBe('stopped');
  });

  it('survives failed URL fetches and a dropped connection, and gets what was sent meanwhile', async () => {
    let failures = 2;
    const flaky: typeof fetch = (input, init) => (failures-- > 0 ? Promise.reject(new Error('network down')) : fetch(input, init));
    const { app, receiver, seen, errors } = makeApp({ fetch: flaky });
    await app.start();
    await receiver.whenOpen();
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(receiver.connections).toBe(1);
    // Drop the connection from under the receiver; post while it is away.
    (receiver as unknown as { ws: { terminate(): void } }).ws.terminate();
    for (let i = 0; i < 5; i += 1) await call(t.url, bob.token, 'POST', `/v1/channels/${general}/messages`, { text: `away ${i}` });
    await until(() => seen.filter((x) => x.startsWith('away')).length >= 5, 'the events sent while away');
    expect(seen.filter((x) => x.startsWith('away'))).toEqual(Array.from({ length: 5 }, (_, i) => `away ${i}`));
    expect(receiver.connections).toBeGreaterThanOrEqual(2);
    await app.stop();
    await until(() => t.platform.services.socketHub.connectionCount(registered.id) === 0, 'the platform to see the close');
  });

  it('reconnects after a missed pong and stop() leaves nothing scheduled', async () => {
    const { app, receiver } = makeApp({ pingIntervalMs: 30, pongTimeoutMs: 1 });
    await app.start();
    await receiver.whenOpen();
    // A 1 ms pong deadline cannot be met over a real socket: the receiver keeps replacing it.
    await until(() => receiver.connections >= 2, 'a reconnect after the pong deadline');
    await app.stop();
    const internals = receiver as unknown as { reconnectTimer?: unknown; pingTimer?: unknown; pongTimer?: unknown };
    expect([internals.reconnectTimer, internals.pingTimer, internals.pongTimer]).toEqual([undefined, undefined, undefined]);
    const count = receiver.connections;
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.connections).toBe(count);
  });
});
