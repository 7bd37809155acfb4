import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, SwitchboardApiError, SwitchboardResponseError } from '../client/index.js';
import { type RecordedRequest, startWireServer, type WireReply, type WireServer } from '../testing/wire-server.js';
import { AppTokenManager, type AppTokenManagerOptions } from './app-token-manager.js';

const APP_ID = 'app-1';
const CLIENT_SECRET = 'client-secret';

let server: WireServer;
afterEach(() => server?.close());

/** A token endpoint like PROTOCOL.md 4.3 that numbers its tokens; `override` scripts failures. */
async function tokenEndpoint(options: { expiresIn?: number; delayMs?: number; override?: (n: number) => WireReply | undefined } = {}) {
  let issued = 0;
  server = await startWireServer((request) => {
    if (request.path !== '/oauth/token') return { status: 404, body: { code: 'not_found', message: 'No route.' } };
    const n = issued + 1;
    const scripted = options.override?.(n);
    if (scripted) return scripted;
    issued = n;
    return {
      delayMs: options.delayMs,
      body: { access_token: `jwt-${n}`, token_type: 'Bearer', expires_in: options.expiresIn ?? 3600, scope: '', id: APP_ID, jti: `j${n}` },
    };
  });
  return { tokenRequests: () => server.requests.filter((r) => r.path === '/oauth/token') };
}

function manager(extra: Partial<AppTokenManagerOptions> = {}) {
  return new AppTokenManager({ baseUrl: server.url, appId: APP_ID, clientSecret: CLIENT_SECRET, ...extra });
}

describe('AppTokenManager', () => {
  it('asks with HTTP Basic and a client_credentials form, then caches', async () => {
    const { tokenRequests } = await tokenEndpoint();
    const tokens = manager();
    expect(await tokens.getToken()).toBe('jwt-1');
    expect(await tokens.getToken()).toBe('jwt-1');
    const [request] = tokenRequests() as [RecordedRequest];
    expect(tokenRequests()).toHaveLength(1);
    expect(request.method).toBe('POST');
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from(`${APP_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.body).toBe('grant_type=client_credentials');
  });

  it('sends one request for 100 concurrent callers', async () => {
    const { tokenRequests } = await tokenEndpoint({ delayMs: 50 });
    const tokens = manager();
    const results = await Promise.all(Array.from({ length: 100 }, () => tokens.getToken()));
    expect(new Set(results)).toEqual(new Set(['jwt-1']));
    expect(tokenRequests()).toHaveLength(1);
  });

  it('refreshes 60 s before expiry, not earlier', async () => {
    const { tokenRequests } = await tokenEndpoint({ expiresIn: 3600 });
    let now = 1_000_000;
    const tokens = manager({ now: () => now });
    await tokens.getToken();
    now += 3600_000 - 61_000;
    expect(await tokens.getToken()).toBe('jwt-1');
    now += 2_000;
    expect(await tokens.getToken()).toBe('jwt-2');
    expect(tokenRequests()).toHaveLength(2);
  });

  it('refreshes a short-lived token at half its life instead of on every call', async () => {
    const { tokenRequests } = await tokenEndpoint({ expiresIn: 60 });
    let now = 0;
    const tokens = manager({ now: () => now });
    await tokens.getToken();
    now = 29_000;
    expect(await tokens.getToken()).toBe('jwt-1');
    now = 31_000;
    expect(await tokens.getToken()).toBe('jwt-2');
    expect(tokenRequests()).toHaveLength(2);
  });

  it('keeps using an unexpired token when the early refresh fails, and fails once it expired', async () => {
    let failing = false;
    await tokenEndpoint({
      expiresIn: 3600,
      override: () => (failing ? { status: 503, body: { code: 'unavailable', message: 'Down.' } } : undefined),
    });
    let now = 0;
    const tokens = manager({ now: () => now, retry: { maxAttempts: 1 } });
    await tokens.getToken();
    failing = true;
    now = 3600_000 - 30_000;
    expect(await tokens.getToken()).toBe('jwt-1');
    now = 3600_000 + 1;
    await expect(tokens.getToken()).rejects.toMatchObject({ status: 503, code: 'unavailable' });
  });

  it('invalidate drops the token, but a late invalidate of an old token keeps the new one', async () => {
    const { tokenRequests } = await tokenEndpoint();
    const tokens = manager();
    await tokens.getToken();
    tokens.invalidate('jwt-1');
    expect(await tokens.getToken()).toBe('jwt-2');
    tokens.invalidate('jwt-1');
    expect(await tokens.getToken()).toBe('jwt-2');
    tokens.invalidate();
    expect(await tokens.getToken()).toBe('jwt-3');
    expect(tokenRequests()).toHaveLength(3);
  });

  it('reports the token endpoint’s OAuth error as a typed error', async () => {
    await tokenEndpoint({ override: () => ({ status: 401, body: { error: 'invalid_client', error_description: 'Bad client secret.' } }) });
    const error = await manager()
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchboardApiError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_client', message: 'Bad client secret.' });
  });

  it('refuses a malformed token answer', async () => {
    await tokenEndpoint({ override: () => ({ body: { token: 'x' } }) });
    await expect(manager().getToken()).rejects.toBeInstanceOf(SwitchboardResponseError);
  });

  it('retries the token request after a dropped connection (asking twice is harmless)', async () => {
    // The first request (the only one recorded so far) loses its connection.
    const { tokenRequests } = await tokenEndpoint({ override: () => (server.requests.length === 1 ? { destroy: true } : undefined) });
    expect(await manager({ retry: { baseDelayMs: 5 } }).getToken()).toBe('jwt-1');
    expect(tokenRequests()).toHaveLength(2);
  });

  it('lets the ApiClient recover from a 401 with exactly one new token', async () => {
    let accepted = 'jwt-2';
    let issued = 0;
    server = await startWireServer((request) => {
      if (request.path === '/oauth/token') {
        issued += 1;
        return { body: { access_token: `jwt-${issued}`, token_type: 'Bearer', expires_in: 3600 } };
      }
      if (request.headers.authorization !== `Bearer ${accepted}`) return { status: 401, body: { code: 'invalid_token', message: 'Revoked.' } };
      return { body: { id: 'W1', name: 'Demo' } };
    });
    const tokens = manager();
    const client = new ApiClient({ baseUrl: server.url, auth: { bearer: tokens } });
    expect(await client.workspace.get()).toEqual({ id: 'W1', name: 'Demo' });
    expect(issued).toBe(2);
    expect(await client.workspace.get()).toEqual({ id: 'W1', name: 'Demo' });
    expect(issued).toBe(2);
    accepted = 'never';
    await expect(client.workspace.get()).rejects.toMatchObject({ status: 401, code: 'invalid_token' });
    expect(issued).toBe(3);
  });

  it('refuses to start without credentials', () => {
    expect(() => new AppTokenManager({ baseUrl: 'http://x', appId: '', clientSecret: 's' })).toThrow(/appId/);
  });
});
