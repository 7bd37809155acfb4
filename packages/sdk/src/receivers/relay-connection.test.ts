import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signOutbound } from '@switchboard/protocol';
import { buildRelay, type Relay } from '@switchboard/relay';
import { afterEach, describe, expect, it } from 'vitest';
import { exchangeCode, grantCode, registerApp, testManifest } from '../../../platform/test/apps/oauth-dance.js';
import { login, startPlatform } from '../../../platform/test/harness.js';
import { AppTokenManager } from '../identity/app-token-manager.js';
import { RelayConnection } from './relay-connection.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relayWith(options: Parameters<typeof buildRelay>[0]): Promise<{ relay: Relay; url: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sdk-relay-conn-'));
  const relay = await buildRelay({ port: 0, dataDir, logLevel: 'silent', ...options });
  const url = await relay.listen();
  cleanups.push(async () => {
    await relay.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { relay, url };
}

async function until(predicate: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('RelayConnection', () => {
  it('replaces a connection on which the relay went silent (no ping, no frame)', async () => {
    // The relay pings only every minute: within the test it is silent.
    const { url } = await relayWith({ allowUnauthenticated: true, pingIntervalMs: 60_000 });
    const errors: unknown[] = [];
    const connection = new RelayConnection(
      { relayUrl: url, appId: 'quiet-app', tokens: { getToken: async () => 'unused' }, silenceTimeoutMs: 300, backoff: { initialMs: 10, maxMs: 20 } },
      { onEvent: async () => true, onTrigger: async () => ({ status: 200, body: {} }), onError: (error) => errors.push(error) },
    );
    cleanups.push(() => connection.stop());
    await fetch(`${url}/webhooks/quiet-app`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ secret: 's' }) });
    await connection.start();
    await until(() => connection.connections >= 2, 'a second connection');
    expect(String(errors[0])).toMatch(/sent nothing for 300 ms/);
    await connection.stop();
    expect(connection.status).toBe('stopped');
  });

  it('reconnects with a fresh token when the relay closes with 4401, and keeps receiving', async () => {
    const t = await startPlatform({ config: { appTokenTtlSeconds: 2 } });
    cleanups.push(() => t.stop());
    const alice = await login(t.url, 'alice@example.com');
    const app = await registerApp(t.url, alice, testManifest({ name: 'relay_conn_app' }) as never);
    const code = await grantCode(t.url, alice, app);
    await exchangeCode(t.url, { 'client-id': app.id, 'client-secret': app.clientSecret, code });
    const { url } = await relayWith({ platformUrl: t.url });
    const tokens = new AppTokenManager({ baseUrl: t.url, appId: app.id, clientSecret: app.clientSecret, refreshAheadMs: 100 });
    const registered = await fetch(`${url}/webhooks/${app.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await tokens.getToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ secret: 'hook-secret' }),
    });
    expect(registered.status).toBe(201);
    const received: unknown[] = [];
    const connection = new RelayConnection(
      { relayUrl: url, appId: app.id, tokens, backoff: { initialMs: 10, maxMs: 50 } },
      {
        onEvent: async (frame) => {
          received.push(frame.data);
          return true;
        },
        onTrigger: async () => ({ status: 200, body: {} }),
        onError: () => {},
      },
    );
    cleanups.push(() => connection.stop());
    await connection.start();
    await until(() => connection.connections >= 2, 'the reconnect after the token expired');
    await connection.whenOpen();
    const body = JSON.stringify({ type: 'message-created', content: 'after expiry' });
    await fetch(`${url}/hook/${app.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-outbound-token': signOutbound('hook-secret', body) },
      body,
    });
    await until(() => received.length === 1, 'the event on the new connection');
    expect(received[0]).toMatchObject({ content: 'after expiry' });
  }, 20_000);
});
