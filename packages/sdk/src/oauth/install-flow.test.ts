import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManifestInput } from '@switchboard/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../app/app.js';
import { AppConfigError } from '../app/config-error.js';
import { ApiClient } from '../client/index.js';
import { SqliteTokenStore } from '../stores/sqlite-token-store.js';
import { freePort } from '../testing/free-port.js';
import { MessageLog, Person } from '../testing/person.js';
import { type InProcessPlatform, startInProcessPlatform } from '../testing/platform-loader.js';
import { TEST_KIT_PASSWORD } from '../testing/test-kit.js';
import type { InstallResult } from './install-flow.js';
import type { OAuthFlowError } from './oauth-error.js';

const STATE_SECRET = 'install-flow-test-state-secret-0123456789';

describe('app.installUrl + the redirect route, against the real platform', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdk-install-'));
  let platform: InProcessPlatform;
  let url: string;
  let alice: Person;
  let app: App;
  let appBase: string;
  let registered: { id: string; clientSecret: string; appKey: string; signingSecret: string };
  const tokenStore = new SqliteTokenStore(join(dir, 'tokens.db'));
  let clock = Date.now();
  const outcomes: { result?: InstallResult; error?: OAuthFlowError }[] = [];

  beforeAll(async () => {
    ({ platform, url } = await startInProcessPlatform({ dataDir: join(dir, 'platform'), demoPassword: TEST_KIT_PASSWORD }));
    alice = await Person.signIn(url, 'alice', 'alice@example.com', TEST_KIT_PASSWORD, new MessageLog());
    const port = await freePort();
    appBase = `http://127.0.0.1:${port}`;
    const manifest: ManifestInput = {
      ...{ name: 'install_bot', displayName: 'Install Bot', bot: true, shortcuts: [], slashCommands: [] },
      scopes: { botScopes: ['messages:write', 'channels:list'], userScopes: ['user:read'] },
      eventSubscriptions: { url: `${appBase}/events`, events: [] },
      redirectUrls: [`${appBase}/oauth/redirect`],
    };
    registered = (await alice.call('POST', `/workspaces/${alice.workspaceId}/workspaceUsers/${alice.userId}/apps`, manifest)).body as typeof registered;
    app = createApp({
      manifest,
      signingSecret: registered.signingSecret,
      appKey: registered.appKey,
      apiBaseUrl: url,
      tokenStore,
      now: () => clock,
      oauth: {
        clientId: registered.id,
        clientSecret: registered.clientSecret,
        stateSecret: STATE_SECRET,
        onSuccess: (result) => {
          outcomes.push({ result });
          return new Response('installed', { status: 200 });
        },
        onError: (error) => {
          outcomes.push({ error });
          return new Response(error.code, { status: error.status });
        },
      },
    });
    await app.start({ port });
  });
  afterAll(async () => {
    await app?.stop();
    await tokenStore.close();
    alice?.close();
    await platform?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    outcomes.length = 0;
    clock = Date.now();
  });

  /** What the person's browser does after the consent page: follow the redirect to the app. */
  const follow = async (location: string) => {
    const response = await fetch(location);
    return { status: response.status, text: await response.text() };
  };

  it('installs through the consent page: tokens stored, the bot token calls the API', async () => {
    const installUrl = new URL(app.installUrl({ workspaceId: alice.workspaceId }));
    expect(`${installUrl.origin}${installUrl.pathname}`).toBe(`${url}/access-request`);
    expect(Object.fromEntries(installUrl.searchParams)).toMatchObject({
      clientId: registered.id,
      redirectUrl: `${appBase}/oauth/redirect`,
      scopes: 'user:read,bot:messages:write,bot:channels:list',
      defaultWorkspaceId: alice.workspaceId,
      code_challenge_method: 'S256',
    });
    expect(installUrl.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const back = await alice.consent(installUrl.toString());
    expect(back.startsWith(`${appBase}/oauth/redirect?code=`)).toBe(true);
    expect(await follow(back)).toEqual({ status: 200, text: 'installed' });

    const result = outcomes[0]?.result;
    expect(result).toMatchObject({ workspaceId: alice.workspaceId, userId: alice.userId, reinstall: false });
    expect(result?.botToken).toBeTruthy();
    expect(await tokenStore.getBotToken(alice.workspaceId)).toBe(result?.botToken);
    expect(await tokenStore.getBotUserId(alice.workspaceId)).toBe(result?.botId);
    expect(await tokenStore.getUserToken(alice.workspaceId, alice.userId)).toBe(result?.accessToken);

    const general = await alice.channelId('#general');
    await alice.addMembers('#general', [result?.botId ?? '']);
    const bot = new ApiClient({ baseUrl: url, auth: { token: (await tokenStore.getBotToken(alice.workspaceId)) ?? '', appKey: registered.appKey } });
    const posted = await bot.messages.post(general, 'installed via OAuth');
    expect(posted).toMatchObject({ author: result?.botId, channelId: general, text: 'installed via OAuth' });

    // The browser replaying the redirect: the state is spent, the code never reaches the platform again.
    expect(await follow(back)).toEqual({ status: 400, text: 'state_reused' });
    expect(await tokenStore.getBotToken(alice.workspaceId)).toBe(result?.botToken);
  });

  it('a reinstall rotates the bot token in the store', async () => {
    const before = await tokenStore.getBotToken(alice.workspaceId);
    const installUrl = app.installUrl({ reinstall: true });
    expect(new URL(installUrl).searchParams.get('isReinstall')).toBe('true');
    expect(await follow(await alice.consent(installUrl))).toEqual({ status: 200, text: 'installed' });
    expect(outcomes[0]?.result?.reinstall).toBe(true);
    const after = await tokenStore.getBotToken(alice.workspaceId);
    expect(after).toBe(outcomes[0]?.result?.botToken);
    expect(after).not.toBe(before);
  });

  it('sends the PKCE verifier: the code is useless without it', async () => {
    const back = new URL(await alice.consent(app.installUrl()));
    const form = new URLSearchParams({ 'client-id': registered.id, 'client-secret': registered.clientSecret, code: back.searchParams.get('code') ?? '' });
    const stolen = await fetch(`${url}/oauth2/access`, { method: 'POST', body: form });
    expect(stolen.status).toBe(400);
    expect(((await stolen.json()) as { code: string }).code).toBe('invalid_grant');
  });

  it('refuses an expired state, a forged state and a cancelled consent, each with its code', async () => {
    const late = app.installUrl();
    const lateBack = await alice.consent(late);
    clock += 10 * 60 * 1000 + 1;
    expect(await follow(lateBack)).toEqual({ status: 400, text: 'state_expired' });
    clock = Date.now();

    const back = new URL(await alice.consent(app.installUrl()));
    const [payload, mac] = (back.searchParams.get('state') ?? '').split('.');
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { e: number };
    body.e += 3_600_000; // try to extend its life
    back.searchParams.set('state', `${Buffer.from(JSON.stringify(body)).toString('base64url')}.${mac}`);
    expect(await follow(back.toString())).toEqual({ status: 400, text: 'invalid_state' });
    back.searchParams.delete('state');
    expect(await follow(back.toString())).toEqual({ status: 400, text: 'invalid_state' });

    const cancelled = await alice.consent(app.installUrl(), 'cancel');
    expect(new URL(cancelled).searchParams.get('error')).toBe('access_denied');
    expect(await follow(cancelled)).toEqual({ status: 403, text: 'access_denied' });
    expect(outcomes.map((o) => o.error?.code)).toEqual(['state_expired', 'invalid_state', 'invalid_state', 'access_denied']);
  });
});

describe('oauth configuration and default pages', () => {
  const manifest: ManifestInput = {
    ...{ name: 'x_bot', displayName: 'X', bot: true, shortcuts: [], slashCommands: [] },
    scopes: { botScopes: ['messages:write'], userScopes: [] },
    eventSubscriptions: { url: 'http://localhost:3000/events', events: [] },
    redirectUrls: ['http://localhost:3000/redirect'],
  };
  const base = { manifest, signingSecret: 'sig', appKey: 'k', apiBaseUrl: 'http://127.0.0.1:9' };
  const oauth = { clientId: 'A1', clientSecret: 'cs', stateSecret: STATE_SECRET };

  it('fails loudly at createApp, not at the first redirect', () => {
    expect(() => createApp({ ...base, oauth })).toThrow(/oauth needs a tokenStore/);
    expect(() => createApp({ ...base, tokenStore: new SqliteTokenStore(':memory:'), oauth: { ...oauth, stateSecret: 'short' } })).toThrow(/32 characters/);
    expect(() => createApp({ ...base }).installUrl()).toThrow(AppConfigError);
  });

  it('answers a forged redirect with the default page: an error code, no caching', async () => {
    const app = createApp({ ...base, tokenStore: new SqliteTokenStore(':memory:'), oauth });
    expect(new URL(app.installUrl()).searchParams.get('scopes')).toBe('bot:messages:write');
    const response = await app.fetch(new Request('http://localhost:3000/redirect?code=c&state=forged.state'));
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('The state is not ours');
  });
});
