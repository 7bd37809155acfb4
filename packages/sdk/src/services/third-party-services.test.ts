import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../app/app.js';
import type { OAuthFlowError } from '../oauth/oauth-error.js';
import { freePort } from '../testing/free-port.js';
import { MessageLog, Person } from '../testing/person.js';
import { type InProcessPlatform, startInProcessPlatform } from '../testing/platform-loader.js';
import { TEST_KIT_PASSWORD } from '../testing/test-kit.js';
import type { ServiceProviderInput, ServiceTokens } from './service-provider.js';
import type { Service } from './services-store.js';
import { SqliteServicesStore } from './sqlite-services-store.js';
import { type ConnectedService, ThirdPartyServices } from './third-party-services.js';

/**
 * The provider is a second, real Switchboard platform ("B"): its Watson person flow
 * (`/oauth/authorize` → consent → `/oauth/token`, PKCE, HTTP Basic) is a complete OAuth 2.0
 * authorization server on loopback.
 */
describe('ThirdPartyServices against a real OAuth 2.0 provider (a second platform)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdk-services-flow-'));
  const dbFile = join(dir, 'services.db');
  let providerPlatform: InProcessPlatform;
  let B: string;
  let carol: Person; // alice on platform B: the person who owns the third-party account
  let app: App;
  let services: ThirdPartyServices;
  let clock = Date.now();
  let callbackUrl: string;
  const store = new SqliteServicesStore({ database: dbFile, encryptionKey: Buffer.alloc(32, 3) });
  const outcomes: { result?: ConnectedService; error?: OAuthFlowError }[] = [];

  beforeAll(async () => {
    ({ platform: providerPlatform, url: B } = await startInProcessPlatform({ dataDir: join(dir, 'provider'), demoPassword: TEST_KIT_PASSWORD }));
    carol = await Person.signIn(B, 'carol', 'alice@example.com', TEST_KIT_PASSWORD, new MessageLog());
    const port = await freePort();
    callbackUrl = `http://127.0.0.1:${port}/services/callback`;
    // The integration registers itself as an app (an OAuth client) at the provider.
    const client = (
      await carol.call('POST', `/workspaces/${carol.workspaceId}/workspaceUsers/${carol.userId}/apps`, {
        ...{ name: 'tracker_client', displayName: 'Tracker Client', bot: false, shortcuts: [], slashCommands: [] },
        scopes: { botScopes: [], userScopes: ['user:read', 'messages:read'] },
        eventSubscriptions: { url: 'http://127.0.0.1:9/events', events: [] },
        redirectUrls: [callbackUrl],
      })
    ).body as { id: string; clientSecret: string };
    const provider = (name: string, clientSecret: string): ServiceProviderInput => ({
      name,
      authorizeUrl: `${B}/oauth/authorize`,
      tokenUrl: `${B}/oauth/token`,
      clientId: client.id,
      clientSecret,
      scopes: ['user:read'],
    });
    services = new ThirdPartyServices({
      store,
      providers: [provider('Tracker', client.clientSecret), provider('Misconfigured', 'not-the-client-secret')],
      stateSecret: 'services-test-state-secret-0123456789abcdef',
      callbackUrl,
      now: () => clock,
      onSuccess: (result) => {
        outcomes.push({ result });
        return new Response('connected');
      },
      onError: (error) => {
        outcomes.push({ error });
        return new Response(error.code, { status: error.status });
      },
    });
    app = createApp({
      manifest: {
        ...{ name: 'svc_bot', displayName: 'Svc', bot: true, shortcuts: [], slashCommands: [], redirectUrls: [`http://127.0.0.1:${port}/redirect`] },
        scopes: { botScopes: ['messages:write'], userScopes: [] },
        eventSubscriptions: { url: `http://127.0.0.1:${port}/events`, events: [] },
      },
      signingSecret: 'unused-here',
      onServerConfiguring: (router) => services.mount(router),
    });
    await app.start({ port });
  });
  afterAll(async () => {
    await app?.stop();
    await store.close();
    carol?.close();
    await providerPlatform?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    outcomes.length = 0;
    clock = Date.now();
  });

  const follow = async (location: string) => {
    const response = await fetch(location);
    return { status: response.status, text: await response.text() };
  };
  const target = { botId: 'B-bot', groupId: 'C-general', userId: 'U-alice' };

  it('connects: consent at the provider → code exchanged → service row with sealed tokens that work at the provider', async () => {
    const authorize = new URL(services.authorizeUrl({ provider: 'Tracker', ...target }));
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${B}/oauth/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    // The state is signed data, not the seed's guessable "group:bot".
    expect(authorize.searchParams.get('state')).not.toContain('C-general:B-bot');

    const back = await carol.consent(authorize.toString());
    expect(back.startsWith(`${callbackUrl}?code=`)).toBe(true);
    expect(await follow(back)).toEqual({ status: 200, text: 'connected' });

    const service = await store.findService({ name: 'Tracker', ...target });
    expect(service).toMatchObject({ name: 'Tracker', ...target, data: { tokenType: 'Bearer', scope: 'user:read' } });
    const data = service?.data as { accessToken: string; refreshToken: string; expiresAt: number };
    expect(data.refreshToken).toMatch(/^sbar_/);
    expect(data.expiresAt).toBe(clock + 3600 * 1000);
    expect(outcomes[0]?.result?.service).toEqual(service);

    // At rest the row holds only ciphertext.
    const raw = new Database(dbFile, { readonly: true });
    const rows = raw.prepare('select * from services').all();
    raw.close();
    expect(JSON.stringify(rows)).not.toContain(data.accessToken);
    expect(JSON.stringify(rows)).not.toContain(data.refreshToken);

    // The token is a real credential at the provider: it acts as the person who consented.
    const me = await fetch(`${B}/v1/users/me`, { headers: { authorization: `Bearer ${data.accessToken}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { id: string }).id).toBe(carol.userId);

    // Replaying the callback: the state is spent before the provider is asked again.
    expect(await follow(back)).toEqual({ status: 400, text: 'state_reused' });
    expect((await store.findService({ name: 'Tracker', ...target }))?.data).toEqual(data);
  });

  it('reconnecting updates the same row', async () => {
    const before = await store.findService({ name: 'Tracker', ...target });
    expect(await follow(await carol.consent(services.authorizeUrl({ provider: 'Tracker', ...target })))).toEqual({ status: 200, text: 'connected' });
    const after = await store.findService({ name: 'Tracker', ...target });
    expect(after?.id).toBe(before?.id);
    expect(after?.data.accessToken).not.toBe(before?.data.accessToken);
  });

  // Before the tests below consent again: the provider keeps one refresh token per client and person.
  it('refreshes an expired token with the rotating refresh token, once for concurrent callers', async () => {
    const before = (await store.findService({ name: 'Tracker', ...target })) as Service;
    const old = before.data as unknown as ServiceTokens;
    expect(await services.accessToken(before)).toBe(old.accessToken);

    clock = (old.expiresAt ?? 0) - 30_000; // inside the default 60 s refresh-ahead window
    const [a, b] = await Promise.all([services.accessToken({ name: 'Tracker', ...target }), services.accessToken(before)]);
    expect(a).toBe(b);
    expect(a).not.toBe(old.accessToken);
    const after = (await store.findService({ name: 'Tracker', ...target })) as Service;
    expect(after.data).toMatchObject({ accessToken: a, expiresAt: clock + 3600 * 1000 });
    expect(after.data.refreshToken).not.toBe(old.refreshToken);
    const me = await fetch(`${B}/v1/users/me`, { headers: { authorization: `Bearer ${a}` } });
    expect(((await me.json()) as { id: string }).id).toBe(carol.userId);

    // The provider refuses a spent refresh token; a token with none cannot be refreshed; no row, no token.
    await store.saveService({ name: 'Tracker', groupId: 'C-stale', data: { ...old, expiresAt: 0 } });
    await expect(services.accessToken({ name: 'Tracker', groupId: 'C-stale' })).rejects.toMatchObject({ code: 'exchange_failed' });
    await store.saveService({ name: 'Tracker', groupId: 'C-plain', data: { accessToken: 'x', expiresAt: 0 } });
    await expect(services.accessToken({ name: 'Tracker', groupId: 'C-plain' })).rejects.toMatchObject({ code: 'token_expired' });
    await expect(services.accessToken({ name: 'Tracker', groupId: 'C-none' })).rejects.toMatchObject({ code: 'not_connected' });
  });

  it('refuses a tampered state, an expired one, a cancel and a provider that refuses the code', async () => {
    const back = new URL(await carol.consent(services.authorizeUrl({ provider: 'Tracker', ...target })));
    const [payload, mac] = (back.searchParams.get('state') ?? '').split('.');
    const forged = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('C-general', 'C-secret')).toString('base64url');
    back.searchParams.set('state', `${forged}.${mac}`);
    expect(await follow(back.toString())).toEqual({ status: 400, text: 'invalid_state' });
    expect(await store.findService({ name: 'Tracker', botId: 'B-bot', groupId: 'C-secret', userId: 'U-alice' })).toBeUndefined();

    const late = await carol.consent(services.authorizeUrl({ provider: 'Tracker', ...target }));
    clock += 10 * 60 * 1000;
    expect(await follow(late)).toEqual({ status: 400, text: 'state_expired' });
    clock = Date.now();

    const cancelled = await carol.consent(services.authorizeUrl({ provider: 'Tracker', groupId: 'C-other' }), 'cancel');
    expect(await follow(cancelled)).toEqual({ status: 403, text: 'access_denied' });

    const refused = await carol.consent(services.authorizeUrl({ provider: 'Misconfigured', groupId: 'C-other' }));
    expect(await follow(refused)).toEqual({ status: 502, text: 'exchange_failed' });
    expect(outcomes.at(-1)?.error?.message).toContain('invalid_client');
    expect(await store.listServices({ groupId: 'C-other' })).toEqual([]);
    expect(outcomes.map((o) => o.error?.code)).toEqual(['invalid_state', 'state_expired', 'access_denied', 'exchange_failed']);
  });

  it('refuses a replay that reaches another process of the app (the store is the shared StateStore)', async () => {
    const otherStore = new SqliteServicesStore({ database: dbFile, encryptionKey: Buffer.alloc(32, 3) });
    const otherProcess = new ThirdPartyServices({
      store: otherStore,
      providers: [{ name: 'Tracker', authorizeUrl: `${B}/oauth/authorize`, tokenUrl: `${B}/oauth/token`, clientId: 'x', clientSecret: 'y', scopes: [] }],
      stateSecret: 'services-test-state-secret-0123456789abcdef',
      callbackUrl,
    });
    try {
      const back = await carol.consent(services.authorizeUrl({ provider: 'Tracker', groupId: 'C-lb' }));
      expect(await follow(back)).toEqual({ status: 200, text: 'connected' });
      const replay = await otherProcess.handleCallback(new Request(back));
      expect(replay.status).toBe(400);
      expect(await replay.text()).toContain('already used');
    } finally {
      await otherStore.close();
    }
  });

  it('throws unknown_provider for a provider that is not configured', () => {
    expect(() => services.authorizeUrl({ provider: 'Nope' })).toThrow(expect.objectContaining({ code: 'unknown_provider' }));
  });
});
