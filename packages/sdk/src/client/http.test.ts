import { afterEach, describe, expect, it } from 'vitest';
import { startWireServer, type WireHandler, type WireServer } from '../testing/wire-server.js';
import { ApiClient, type ApiClientOptions, SwitchboardApiError, SwitchboardNetworkError, SwitchboardResponseError } from './index.js';

const workspace = { id: 'W1', name: 'Demo', customStatusDefinitions: [], uniqueIdentifier: 'W1' };
const auth = { token: 'bot-token', appKey: 'app-key' };

let server: WireServer;
afterEach(() => server?.close());

async function serve(handler: WireHandler, options: Partial<ApiClientOptions> = {}): Promise<ApiClient> {
  server = await startWireServer(handler);
  return new ApiClient({ baseUrl: server.url, auth, validateResponses: true, ...options });
}

/** Answers with `replies` in order, then repeats the last one. */
function sequence(...replies: ReturnType<WireHandler>[]): WireHandler {
  let i = 0;
  return () => replies[Math.min(i++, replies.length - 1)];
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('HttpTransport on the wire', () => {
  it('sends the Pumble token headers and parses the JSON answer', async () => {
    const client = await serve(() => ({ body: workspace }));
    expect(await client.workspace.get()).toEqual(workspace);
    const [request] = server.requests;
    expect(request.headers.token).toBe('bot-token');
    expect(request.headers['x-app-token']).toBe('app-key');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers.accept).toBe('application/json');
  });

  it('sends a fixed bearer token', async () => {
    const client = await serve(() => ({ body: workspace }), { auth: { bearer: 'jwt-1' } });
    await client.workspace.get();
    expect(server.requests[0].headers.authorization).toBe('Bearer jwt-1');
    expect(server.requests[0].headers.token).toBeUndefined();
  });

  it('keeps a base path and ignores a trailing slash; encodes ids', async () => {
    server = await startWireServer(() => ({ body: workspace }));
    const client = new ApiClient({ baseUrl: `${server.url}/api/`, auth });
    await client.workspace.get();
    await client.users.get('a/b?c').catch(() => {});
    expect(server.requests.map((r) => r.path)).toEqual(['/api/v1/workspace', '/api/v1/workspaceUsers/a%2Fb%3Fc']);
  });

  it('waits out a 429 Retry-After, then succeeds — for POST too', async () => {
    const message = { id: 'M1', workspaceId: 'W1', channelId: 'C1', author: 'B', text: 'hi', timestamp: '2025-01-01T00:00:00.000Z', timestampMilli: 1 };
    const client = await serve(
      sequence({ status: 429, headers: { 'retry-after': '1' }, body: { code: 'rate_limited', message: 'Slow down.' } }, { status: 201, body: message }),
    );
    const started = Date.now();
    expect(await client.messages.post('C1', 'hi')).toEqual(message);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests.map((r) => r.json)).toEqual([{ text: 'hi' }, { text: 'hi' }]);
  });

  it('gives up after maxAttempts with the 429 as a typed error', async () => {
    const client = await serve(() => ({ status: 429, headers: { 'retry-after': '0' }, body: { code: 'rate_limited', message: 'Slow down.' } }), {
      retry: { maxAttempts: 2 },
    });
    const error = await caught(client.workspace.get());
    expect(error).toBeInstanceOf(SwitchboardApiError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', message: 'Slow down.', retryAfterMs: 0 });
    expect(server.requests).toHaveLength(2);
  });

  it('fails at once when Retry-After exceeds the cap', async () => {
    const client = await serve(() => ({ status: 429, headers: { 'retry-after': '120' }, body: { code: 'rate_limited', message: 'Later.' } }), {
      retry: { maxRetryAfterMs: 5000 },
    });
    expect(await caught(client.workspace.get())).toMatchObject({ status: 429, retryAfterMs: 120_000 });
    expect(server.requests).toHaveLength(1);
  });

  it('maps the platform {code, message} body onto SwitchboardApiError', async () => {
    const client = await serve(() => ({ status: 403, body: { code: 'missing_scope', message: 'The token lacks messages:write.', scope: 'messages:write' } }));
    const error = await caught(client.messages.post('C1', 'hi'));
    expect(error).toBeInstanceOf(SwitchboardApiError);
    expect(error).toMatchObject({
      status: 403,
      code: 'missing_scope',
      message: 'The token lacks messages:write.',
      method: 'POST',
      path: '/v1/channels/C1/messages',
    });
    expect((error as SwitchboardApiError).body).toMatchObject({ scope: 'messages:write' });
    expect(server.requests).toHaveLength(1);
  });

  it('falls back sensibly when the error body is not ours', async () => {
    const client = await serve(
      sequence(
        { status: 502, body: '<html>Bad gateway</html>' },
        { status: 404 },
        { status: 400, body: { error: 'invalid_grant', error_description: 'Code used.' } },
      ),
    );
    expect(await caught(client.workspace.get())).toMatchObject({ status: 502, code: 'internal_error', message: 'HTTP 502: <html>Bad gateway</html>' });
    expect(await caught(client.workspace.get())).toMatchObject({ status: 404, code: 'not_found', message: 'HTTP 404 from GET /v1/workspace' });
    expect(await caught(client.workspace.get())).toMatchObject({ status: 400, code: 'invalid_grant', message: 'Code used.' });
  });

  it('retries a GET after a dropped connection', async () => {
    const client = await serve(sequence({ destroy: true }, { body: workspace }), { retry: { baseDelayMs: 10 } });
    expect(await client.workspace.get()).toEqual(workspace);
    expect(server.requests).toHaveLength(2);
  });

  it('retries DELETE and PUT after a dropped connection, but never POST', async () => {
    const edited = { id: 'M1', workspaceId: 'W1', channelId: 'C1', author: 'B', text: 'new', timestamp: '2025-01-01T00:00:00.000Z', timestampMilli: 1 };
    const client = await serve(sequence({ destroy: true }, { status: 204 }, { destroy: true }, { body: edited }, { destroy: true }), {
      retry: { baseDelayMs: 10 },
    });
    await client.messages.delete('C1', 'M1');
    expect(server.requests).toHaveLength(2);
    expect(await client.messages.edit('C1', 'M1', 'new')).toEqual(edited);
    expect(server.requests).toHaveLength(4);
    const error = await caught(client.messages.post('C1', 'once only'));
    expect(error).toBeInstanceOf(SwitchboardNetworkError);
    expect(error).toMatchObject({ code: 'network_error', method: 'POST' });
    expect(server.requests).toHaveLength(5);
  });

  it('times out a slow answer', async () => {
    const client = await serve(() => ({ delayMs: 500, body: workspace }), { timeoutMs: 100, retry: { maxAttempts: 1 } });
    const error = await caught(client.workspace.get());
    expect(error).toBeInstanceOf(SwitchboardNetworkError);
    expect(error).toMatchObject({ code: 'timeout' });
  });

  it('checks bodies against the protocol schema when asked, keeping unknown fields', async () => {
    const client = await serve(sequence({ body: { ...workspace, plan: 'free' } }, { body: { id: 5 } }, { body: 'not json' }));
    expect(await client.workspace.get()).toEqual({ ...workspace, plan: 'free' });
    const error = await caught(client.workspace.get());
    expect(error).toBeInstanceOf(SwitchboardResponseError);
    expect((error as Error).message).toMatch(/id/);
    expect(await caught(client.workspace.get())).toBeInstanceOf(SwitchboardResponseError);
  });

  it('refreshes a bearer token once on 401, then reports a second 401', async () => {
    const issued: string[] = [];
    const invalidated: string[] = [];
    const provider = {
      getToken: async () => {
        issued.push(`jwt-${issued.length + 1}`);
        return issued[issued.length - 1];
      },
      invalidate: (token: string) => invalidated.push(token),
    };
    const unauthorized = { status: 401, body: { code: 'token_expired', message: 'Expired.' } };
    const client = await serve(sequence(unauthorized, { body: workspace }, unauthorized, unauthorized), { auth: { bearer: provider } });
    expect(await client.workspace.get()).toEqual(workspace);
    expect(invalidated).toEqual(['jwt-1']);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer jwt-1', 'Bearer jwt-2']);
    expect(await caught(client.workspace.get())).toMatchObject({ status: 401, code: 'token_expired' });
    expect(server.requests).toHaveLength(4);
  });

  it('refuses broken configuration at construction', () => {
    expect(() => new ApiClient({ baseUrl: 'http://x', auth: { token: '', appKey: 'k' } })).toThrow(/token/);
    expect(() => new ApiClient({ baseUrl: 'http://x', auth: { token: 't', appKey: '' } })).toThrow(/appKey/);
    expect(() => new ApiClient({ baseUrl: 'ftp://x', auth })).toThrow(/baseUrl/);
    expect(() => new ApiClient({ baseUrl: 'http://x', auth, retry: { maxAttempts: 0 } })).toThrow(RangeError);
  });
});
