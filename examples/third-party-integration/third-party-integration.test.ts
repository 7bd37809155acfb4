import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteServicesStore } from '@switchboard/sdk';
import {
  freePort,
  type InProcessPlatform,
  MessageLog,
  Person,
  startInProcessPlatform,
  startTestKit,
  TEST_KIT_PASSWORD,
  type TestKit,
} from '@switchboard/sdk/testing';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrackerBot, manifestFor } from './index.js';

/**
 * Two real platforms: the kit's, where the bot lives, and a second one acting as the
 * third-party service (its `/oauth/authorize` + `/oauth/token` are a real OAuth 2.0 server).
 */
describe('examples/third-party-integration (ServicesStore) against real platforms', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracker-bot-'));
  const dbFile = join(dir, 'services.db');
  const store = new SqliteServicesStore({ database: dbFile, encryptionKey: Buffer.alloc(32, 9) });
  let tracker: InProcessPlatform;
  let trackerUrl: string;
  let carol: Person; // the person's account at the tracker
  let t: TestKit;

  beforeAll(async () => {
    ({ platform: tracker, url: trackerUrl } = await startInProcessPlatform({ dataDir: join(dir, 'tracker'), demoPassword: TEST_KIT_PASSWORD }));
    carol = await Person.signIn(trackerUrl, 'carol', 'alice@example.com', TEST_KIT_PASSWORD, new MessageLog());
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const client = (
      await carol.call('POST', `/workspaces/${carol.workspaceId}/workspaceUsers/${carol.userId}/apps`, {
        ...{ name: 'tracker_bot_client', displayName: 'Tracker Bot', bot: false, shortcuts: [], slashCommands: [] },
        scopes: { botScopes: [], userScopes: ['user:read'] },
        eventSubscriptions: { url: `${publicUrl}/unused`, events: [] },
        redirectUrls: [`${publicUrl}/services/callback`],
      })
    ).body as { id: string; clientSecret: string };
    t = await startTestKit({
      manifest: manifestFor(publicUrl),
      appPort: port,
      app: (options) =>
        createTrackerBot({
          ...options,
          publicUrl,
          services: store,
          stateSecret: 'tracker-bot-test-state-secret-0123456789',
          provider: {
            name: 'Tracker',
            authorizeUrl: `${trackerUrl}/oauth/authorize`,
            tokenUrl: `${trackerUrl}/oauth/token`,
            clientId: client.id,
            clientSecret: client.clientSecret,
            scopes: ['user:read'],
          },
          profileUrl: `${trackerUrl}/v1/users/me`,
        }),
    });
  });
  afterAll(async () => {
    await t?.stop();
    await store.close();
    carol?.close();
    await tracker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects a person per channel, uses the token, and disconnects', async () => {
    await t.as('alice').post('#general', '/whoami');
    await t.waitForMessage({ from: t.bot, ephemeral: true, seenBy: 'alice', text: /not connected Tracker here yet/ });

    expect((await t.as('alice').post('#general', '/connect')).outcome).toBe('acked');
    const link = /(http\S+)$/.exec((await t.waitForMessage({ from: t.bot, ephemeral: true, seenBy: 'alice', text: /Connect your Tracker/ })).text)?.[1] ?? '';
    expect(link.startsWith(`${trackerUrl}/oauth/authorize?`)).toBe(true);

    // In the browser: consent at the tracker, which redirects back to the bot's callback.
    const back = await carol.consent(link);
    const page = await fetch(back);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Tracker is connected');
    await t.waitForMessage({ from: t.bot, channel: '#general', ephemeral: false, seenBy: 'bob', text: `Tracker connected for ${t.as('alice').userId}.` });

    const general = await t.as('alice').channelId('#general');
    const service = await store.findService({ name: 'Tracker', botId: t.bot, groupId: general, userId: t.as('alice').userId });
    expect(service?.data).toMatchObject({ tokenType: 'Bearer', scope: 'user:read' });
    expect(await store.findBot(t.bot)).toMatchObject({ workspaceId: t.workspaceId });
    const raw = new Database(dbFile, { readonly: true });
    expect(JSON.stringify(raw.prepare('select * from services').all())).not.toContain(String(service?.data.accessToken));
    raw.close();

    await t.as('alice').post('#general', '/whoami');
    await t.waitForMessage({ from: t.bot, ephemeral: true, seenBy: 'alice', text: 'On Tracker you are Alice (alice@example.com).' });
    // Connections are per person: bob has none.
    await t.as('bob').post('#general', '/whoami');
    await t.waitForMessage({ from: t.bot, ephemeral: true, seenBy: 'bob', text: /not connected Tracker here yet/ });

    // The link was single-use: opening it again does not connect anyone.
    expect((await fetch(back)).status).toBe(400);

    await t.as('alice').post('#general', '/disconnect');
    await t.waitForMessage({ from: t.bot, ephemeral: true, seenBy: 'alice', text: /Disconnected/ });
    expect(await store.listServices({ groupId: general })).toEqual([]);
  });
});
