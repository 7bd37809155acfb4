import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManifestInput } from '@switchboard/protocol';
import { buildRelay, type Relay } from '@switchboard/relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app/app.js';
import { AppTokenManager } from '../identity/app-token-manager.js';
import { startTestKit, type TestKit } from '../testing/index.js';
import { RelayReceiver } from './relay-receiver.js';

const manifest: ManifestInput = {
  name: 'relayed_bot',
  displayName: 'Relayed Bot',
  bot: true,
  scopes: { botScopes: ['messages:read', 'messages:write'], userScopes: [] },
  shortcuts: [],
  slashCommands: [{ command: '/relayecho', url: 'https://placeholder.example/hook', description: 'Echo through the relay' }],
  eventSubscriptions: { url: 'https://placeholder.example/hook', events: ['NEW_MESSAGE'] },
  redirectUrls: ['https://example.com/oauth/redirect'],
};

describe('RelayReceiver: platform → relay → SDK app → reply in the channel', () => {
  let t: TestKit;
  let relay: Relay;
  let relayUrl: string;
  let receiver: RelayReceiver;
  const dataDir = mkdtempSync(join(tmpdir(), 'sdk-relay-'));
  const handled: string[] = [];
  const errors: unknown[] = [];

  beforeAll(async () => {
    t = await startTestKit({
      manifest,
      app: async (options, registration) => {
        relay = await buildRelay({ port: 0, dataDir, logLevel: 'silent', platformUrl: options.apiBaseUrl });
        relayUrl = await relay.listen();
        const tokens = new AppTokenManager({ baseUrl: options.apiBaseUrl, appId: registration.appId, clientSecret: registration.clientSecret });
        // The app is installed only after it starts: the first connection attempts fail and are retried.
        receiver = new RelayReceiver({
          relayUrl,
          appId: registration.appId,
          tokens,
          signingSecret: options.signingSecret,
          backoff: { initialMs: 50, maxMs: 200 },
        });
        return createApp({ ...options, receiver, onError: (error) => errors.push(error) })
          .command('/relayecho', async (ctx) => {
            ctx.ack();
            await ctx.say(`relayed: ${ctx.payload.text}`);
          })
          .event('NEW_MESSAGE', { match: /^relay ping$/ }, async (ctx) => {
            // Slow on purpose: the ack must wait for the handler.
            await new Promise((resolve) => setTimeout(resolve, 200));
            await ctx.reply('relay pong');
            handled.push('ping');
          });
      },
    });
    const tokens = new AppTokenManager({ baseUrl: t.url, appId: t.appId, clientSecret: (await registrationSecret(t)) ?? '' });
    const jwt = await tokens.getToken();
    const registered = await fetch(`${relayUrl}/webhooks/${t.appId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ secret: t.appOptions.signingSecret }),
    });
    expect(registered.status).toBe(201);
    // Point every manifest URL at the relay, as a developer would.
    const hook = `${relayUrl}/hook/${t.appId}`;
    const alice = t.as('alice');
    await alice.call('PUT', `/workspaces/${alice.workspaceId}/workspaceUsers/${alice.userId}/apps/${t.appId}`, {
      ...manifest,
      slashCommands: [{ ...manifest.slashCommands[0], url: hook }],
      eventSubscriptions: { ...manifest.eventSubscriptions, url: hook },
    });
    await receiver.whenOpen();
    // Start-up noise: tokens refused before the install, the relay refusing an unregistered app.
    errors.length = 0;
  });
  afterAll(async () => {
    await t?.stop();
    await relay?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a slash command through the relay; the reply shows in the channel', async () => {
    await t.as('alice').post('#general', '/relayecho over the relay');
    const message = await t.waitForMessage({ from: t.bot, text: 'relayed: over the relay' });
    expect(message.channelId).toBe(await t.as('alice').channelId('#general'));
  });

  it('gets a NEW_MESSAGE event through the relay, replies, and acks only after the handler', async () => {
    await t.as('alice').post('#general', 'relay ping');
    await t.waitForMessage({ from: t.bot, text: 'relay pong', timeoutMs: 10_000 });
    expect(handled).toEqual(['ping']);
    // Acked: nothing of the app stays queued at the relay.
    const deadline = Date.now() + 5_000;
    let queued = -1;
    while (Date.now() < deadline) {
      const stats = await relay.events.queueStats();
      queued = stats.find((s) => s.appId === t.appId)?.depth ?? 0;
      if (queued === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(queued).toBe(0);
    const acked = await relay.events.list(t.appId, { since: 0, limit: 100, state: 'acked' });
    expect(acked.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it('stop() leaves no connection behind', async () => {
    await receiver.stop();
    expect(receiver.status).toBe('stopped');
    expect(relay.metrics.connections).toBeDefined();
    const gauge = await relay.metrics.registry.getSingleMetricAsString('relay_connections');
    expect(gauge).toMatch(/relay_connections 0/);
  });
});

/** The kit keeps the client secret in the app factory's registration; read it back from the platform as the owner. */
async function registrationSecret(t: TestKit): Promise<string | undefined> {
  const alice = t.as('alice');
  const { body } = await alice.call('GET', `/workspaces/${alice.workspaceId}/workspaceUsers/${alice.userId}/apps/mine/${t.appId}`);
  return (body as { clientSecret?: string }).clientSecret;
}
