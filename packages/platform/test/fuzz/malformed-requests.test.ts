import type { ChannelInfo, Message } from '@switchboard/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';

const RUNS = 250;

/** Every route with its methods; `{c}` channel, `{m}` message, `{u}` user, `{w}` workspace. */
const ROUTES: [string, string[]][] = [
  ['/v1/channels', ['GET', 'POST']],
  ['/v1/channels/{c}', ['GET']],
  ['/v1/channels/direct', ['GET', 'POST']],
  ['/v1/channels/{c}/join', ['POST']],
  ['/v1/channels/{c}/leave', ['POST']],
  ['/v1/channels/{c}/archive', ['POST']],
  ['/v1/channels/{c}/users', ['POST']],
  ['/v1/channels/{c}/users/{u}', ['DELETE']],
  ['/v1/channels/{c}/messages', ['GET', 'POST']],
  ['/v1/channels/{c}/messages/{m}', ['GET', 'POST', 'PUT', 'DELETE']],
  ['/v1/channels/{c}/messages/{m}/replies', ['GET']],
  ['/v1/channels/{c}/messages/{m}/ephemeral', ['DELETE']],
  ['/v1/messages/{m}/reactions', ['POST', 'DELETE']],
  ['/v1/workspace', ['GET']],
  ['/v1/workspaceUsers', ['GET', 'POST']],
  ['/v1/workspaceUsers/{u}', ['GET', 'PATCH']],
  ['/v1/users/me', ['GET']],
  ['/v1/realtime', ['GET']],
  ['/v1/auth/login', ['POST']],
  ['/v1/auth/logout', ['POST']],
  ['/workspaces/{w}/refresh', ['POST']],
  ['/workspaces/{w}/workspaceUsers/{u}/apps', ['POST']],
  ['/workspaces/{w}/workspaceUsers/{u}/apps/mine', ['GET']],
  ['/workspaces/{w}/workspaceUsers/{u}/apps/mine/{m}', ['GET']],
  ['/workspaces/{w}/workspaceUsers/{u}/apps/{m}', ['PUT', 'DELETE']],
  ['/workspaces/{w}/workspaceUsers/{u}/apps/{m}/secrets/rotate', ['PUT']],
  ['/workspaces/{w}/workspaceUsers/{u}/apps/authorizations', ['GET']],
  ['/workspaces/{w}/workspaceUsers/{u}/oauth2/grant', ['GET']],
  ['/oauth2/access', ['POST']],
  ['/oauth2/me', ['GET']],
  ['/oauth/token', ['POST']],
  ['/oauth/authorize', ['GET']],
  ['/access-request', ['GET', 'POST']],
  ['/login', ['GET', 'POST']],
  ['/v1/app/authorization', ['DELETE']],
  ['/v1/app/installation', ['DELETE']],
  ['/v1/apps/{m}/installation', ['DELETE']],
  ['/v1/apps/{m}/authorization', ['DELETE']],
  ['/v1/apps/{m}/deliveries', ['GET']],
  ['/v1/apps/{m}/deliveries/retry', ['POST']],
  ['/v1/apps/{m}/deliveries/{c}', ['GET']],
  ['/v1/apps/{m}/deliveries/{c}/redeliver', ['POST']],
  ['/v1/apps/{m}/webhooks', ['GET', 'POST']],
  ['/v1/apps/{m}/webhooks/{c}', ['PUT', 'DELETE']],
  ['/v1/apps/{m}/webhooks/{c}/enable', ['POST']],
  ['/v1/apps/{m}/webhooks/{c}/disable', ['POST']],
  ['/apps/{m}/websocket-connection', ['GET']],
  ['/v1/shortcuts', ['GET']],
  ['/v1/shortcuts/invoke', ['POST']],
  ['/v1/interactions/blocks', ['POST']],
  ['/v1/interactions/menus', ['POST']],
  ['/v1/interactions/complete', ['POST']],
  ['/v1/views/{m}', ['GET']],
  ['/v1/views/{m}/submit', ['POST']],
  ['/v1/views/{m}/close', ['POST']],
  ['/metrics', ['GET']],
];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/octet-stream',
  'application/xml',
  'garbage/!!',
  '',
  undefined,
];

/** Header values must stay printable ASCII (fetch refuses the rest before sending). */
const headerSafe = (s: string) => s.replace(/[^\x20-\x7e]/g, '');
const nest = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

interface Fixture {
  channelId: string;
  messageId: string;
  userId: string;
  workspaceId: string;
  tokens: string[];
}

function requestArbitrary(f: Fixture) {
  const realId = fc.constantFrom(f.channelId, f.messageId, f.userId, f.workspaceId);
  const segment = fc.oneof(
    { weight: 3, arbitrary: realId },
    { weight: 2, arbitrary: fc.string({ maxLength: 80 }).map(encodeURIComponent) },
    { weight: 2, arbitrary: fc.constantFrom('%00', '%', '%ff', '%E0%A4%A', '..', '%2F..%2F', 'a'.repeat(300), '000000000000000000000000', 'null', '-1') },
  );
  const idish = fc.oneof(realId, fc.string({ maxLength: 70 }), fc.constant('a\u0000b'));
  const shaped = fc.record(
    {
      text: fc.oneof(fc.string(), fc.constant('x'.repeat(45_000)), fc.integer(), fc.constant(null), fc.constant('nul\u0000byte')),
      blocks: fc.oneof(fc.array(fc.jsonValue(), { maxLength: 4 }), fc.jsonValue()),
      attachments: fc.jsonValue(),
      ephemeral: fc.oneof(fc.record({ sendToUsers: fc.array(idish, { maxLength: 4 }) }), fc.jsonValue()),
      userIds: fc.oneof(fc.array(idish, { maxLength: 4 }), fc.jsonValue()),
      participantIds: fc.oneof(fc.array(idish, { maxLength: 12 }), fc.string()),
      deleteForUsers: fc.array(idish, { maxLength: 3 }),
      threadRootId: idish,
      name: fc.oneof(fc.string({ maxLength: 100 }), fc.constant('#'), fc.integer()),
      type: fc.constantFrom('PUBLIC', 'PRIVATE', 'DIRECT', 'SELF', 'x'),
      description: fc.oneof(fc.string(), fc.constant('d\u0000')),
      code: fc.oneof(fc.constantFrom(':thumbsup:', ':x:', '::'), fc.string()),
      email: fc.oneof(fc.constantFrom('alice@example.com', ' bob@example.com', 'x@y'), fc.string()),
      password: fc.string(),
      refreshToken: fc.oneof(fc.string(), fc.constant('sbr_')),
      workspaceId: idish,
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(
    fc.constant(undefined),
    { weight: 3, arbitrary: shaped.map((v) => JSON.stringify(v)) },
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 200 }),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    fc.constantFrom('{', '{"text":', 'null', '[]', '""', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', 'text=hi&code=:x:', nest(50_000)),
  );
  const query = fc.option(
    fc.dictionary(
      fc.oneof(fc.constantFrom('limit', 'cursor', 'strategy', 'types', 'participantIds'), fc.string({ maxLength: 10 })),
      fc.oneof(fc.string({ maxLength: 80 }), fc.integer().map(String), fc.constantFrom('BEFORE', 'AFTER', '1e9', 'PUBLIC,BOGUS', 'a\u0000b', f.messageId)),
      { maxKeys: 4 },
    ),
  );
  const auth = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...f.tokens).map((token) => ({ authtoken: token })) },
    fc.constant({}),
    fc.string({ maxLength: 300 }).map((s) => ({ authtoken: headerSafe(s) })),
    fc.constant({ authtoken: `${f.tokens[0].slice(0, -4)}AAAA` }),
    fc.string({ maxLength: 100 }).map((s) => ({ cookie: `sb_session=${headerSafe(s)}` })),
  );
  // Mostly a method the route has, so requests get past routing into validation and services.
  const routed = fc
    .constantFrom(...ROUTES)
    .chain(([route, methods]) =>
      fc.record({ route: fc.constant(route), method: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...methods) }, fc.constantFrom(...METHODS)) }),
    );
  return fc.record({
    routed,
    ids: fc.tuple(segment, segment, segment, segment),
    query,
    body,
    contentType: fc.constantFrom(...CONTENT_TYPES),
    auth,
  });
}

for (const dialect of await dialects()) {
  describe(`malformed requests (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let fixture: Fixture;

    beforeAll(async () => {
      t = await startPlatform({ dialect });
      alice = await login(t.url, 'alice@example.com');
      const bob = await login(t.url, 'bob@example.com');
      const general = (await call<ChannelInfo[]>(t.url, alice.token, 'GET', '/v1/channels')).body[0].channel.id;
      const message = await call<Message>(t.url, alice.token, 'POST', `/v1/channels/${general}/messages`, { text: 'fuzz target' });
      fixture = {
        channelId: general,
        messageId: message.body.id,
        userId: bob.workspaceUserId,
        workspaceId: alice.workspaceId,
        tokens: [alice.token, bob.token],
      };
    });
    afterAll(async () => t?.stop());

    /** A 4xx must carry the error body of PROTOCOL.md; nothing may be a 5xx. */
    const expectClientError = async (response: Response, method = 'GET') => {
      expect(response.status, `${method} ${response.url}`).toBeLessThan(500);
      if (response.status < 400 || method === 'HEAD') return;
      // Browser pages (sign-in, consent) answer with an HTML error page instead of JSON.
      if (response.headers.get('content-type')?.startsWith('text/html')) {
        expect(await response.text()).toMatch(/<h1>/);
        return;
      }
      const body = (await response.json()) as { code: unknown; message: unknown };
      expect(typeof body.code).toBe('string');
      expect(typeof body.message).toBe('string');
      if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    };

    it('rejects inputs PostgreSQL cannot store and hostile nesting with 4xx', async () => {
      // A channel of its own: the random run may legitimately make alice leave #general.
      const own = await call<ChannelInfo>(t.url, alice.token, 'POST', '/v1/channels', { name: 'nasty-inputs' });
      const channelId = own.body.channel.id;
      const send = (path: string, body?: string, method = body ? 'POST' : 'GET') =>
        fetch(`${t.url}${path}`, { method, headers: { authtoken: alice.token, 'content-type': 'application/json' }, body });
      for (const response of [
        await send(`/v1/channels/${channelId}/messages`, JSON.stringify({ text: 'a\u0000b' })),
        await send('/v1/channels/ab%00cd'),
        await send(`/v1/channels/${channelId}/messages/ab%00cd`),
        await send('/v1/channels/direct?participantIds=a%00b'),
        await send('/v1/channels', JSON.stringify({ name: 'nul-desc', description: 'd\u0000' })),
      ]) {
        await expectClientError(response);
      }
      const deep = await send(`/v1/channels/${channelId}/messages`, `{"text":"x","blocks":[${nest(100_000)}]}`);
      expect(deep.status).toBe(400);
      expect(((await deep.json()) as { code: string }).code).toBe('validation_failed');
      expect((await send(`/v1/channels/${channelId}/messages`, `{"text":"x","blocks":[${nest(40)}]}`)).status).toBe(400);
      expect((await send(`/v1/channels/${channelId}/messages`, `{"text":"x","blocks":[${nest(10)}]}`)).status).toBe(201);
    });

    it('refuses a body over 1 MB with 413 payload_too_large', async () => {
      const huge = JSON.stringify({ text: 'x'.repeat(1024 * 1024 + 10) });
      for (const headers of [{ authtoken: alice.token }, {}] as Record<string, string>[]) {
        const response = await fetch(`${t.url}/v1/channels/${fixture.channelId}/messages`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: huge,
        });
        expect(response.status).toBe(413);
        expect(await response.json()).toEqual({ code: 'payload_too_large', message: expect.any(String) });
      }
    });

    it(`answers ${RUNS} random malformed requests with 4xx error bodies, never 5xx`, async () => {
      let sent = 0;
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(requestArbitrary(fixture), async (r) => {
          const { route, method } = r.routed;
          const [c, m, u, w] = r.ids;
          let path = route.replace('{c}', c).replace('{m}', m).replace('{u}', u).replace('{w}', w);
          if (r.query) path += `?${new URLSearchParams(r.query)}`;
          // Logging out with a real token would end the session the other runs rely on.
          const headers: Record<string, string> = route === '/v1/auth/logout' && 'authtoken' in r.auth ? { authtoken: 'garbage' } : { ...r.auth };
          if (r.contentType !== undefined) headers['content-type'] = r.contentType;
          const hasBody = r.body !== undefined && method !== 'GET' && method !== 'HEAD';
          const response = await fetch(`${t.url}${path}`, {
            method,
            headers,
            body: hasBody ? r.body : undefined,
            signal: AbortSignal.timeout(15_000),
          });
          sent += 1;
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          await expectClientError(response, method);
          if (method === 'HEAD' || response.status >= 400) return;
          await response.arrayBuffer();
        }),
        { numRuns: RUNS },
      );
      expect(sent).toBeGreaterThanOrEqual(RUNS);
      // The run exercised both sides: plenty of rejections, and some requests that got through.
      expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
      expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThan(3);
    });

    it('still answers /healthz and /readyz and serves alice afterwards', async () => {
      const health = await fetch(`${t.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      expect(await (await fetch(`${t.url}/readyz`)).json()).toEqual({ status: 'ready', dialect });
      expect((await call(t.url, alice.token, 'GET', '/v1/users/me')).status).toBe(200);
    });
  });
}
