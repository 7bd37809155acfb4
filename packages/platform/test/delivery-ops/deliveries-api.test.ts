import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeCode, grantCode, type RegisteredApp, registerApp, testManifest } from '../apps/oauth-dance.js';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { AppReceiver } from '../triggers/app-receiver.js';

interface Delivery {
  id: string;
  eventType: string;
  status: string;
  attemptCount: number;
  createdAt: number;
  nextAttemptAt: number | null;
  firstFailedAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: number | null;
  webhookId: string | null;
  inFlight: boolean;
}
interface Attempt {
  at: number;
  url: string | null;
  transport: string | null;
  outcome: string;
  statusCode: number | null;
  latencyMs: number | null;
  error: string | null;
  nextAttemptAt: number | null;
}
type Detail = Delivery & { payload: string; attempts: Attempt[] };
type Page = { deliveries: Delivery[]; nextCursor: string | null };

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

for (const dialect of await dialects()) {
  describe(`delivery operations API (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let bob: Session;
    let app: RegisteredApp;
    let base: string;
    let general: string;
    const receiver = new AppReceiver(() => app.signingSecret);
    const path = (rest = '') => `/v1/apps/${app.id}/deliveries${rest}`;
    const post = (text: string) => call<{ id: string }>(t.url, bob.token, 'POST', `/v1/channels/${general}/messages`, { text });
    const deliveryOf = (messageId: string) => (r: { path: string; body: Record<string, unknown> }) =>
      r.path === '/events' && JSON.parse(String(r.body.body)).mId === messageId;

    beforeAll(async () => {
      t = await startPlatform({ dialect });
      alice = await login(t.url, 'alice@example.com');
      bob = await login(t.url, 'bob@example.com');
      base = await receiver.start();
      app = await registerApp(
        t.url,
        alice,
        testManifest({
          name: 'ops_app',
          slashCommands: [],
          eventSubscriptions: { url: `${base}/events`, events: ['NEW_MESSAGE'] },
          scopes: { botScopes: ['messages:read'], userScopes: ['messages:read'] },
          welcomeMessage: null,
        }),
      );
      const code = await grantCode(t.url, alice, app, { scopes: 'messages:read,bot:messages:read' });
      await exchangeCode(t.url, { 'client-id': app.id, 'client-secret': app.clientSecret, code });
      const channels = await call<{ channel: { id: string; name: string } }[]>(t.url, alice.token, 'GET', '/v1/channels');
      general = channels.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
    });
    afterAll(async () => {
      await t?.stop();
      await receiver.stop();
    });

    it('shows a failing delivery and its attempt, retries it now, and keeps the recovery in its attempts', async () => {
      receiver.answer = () => ({ status: 500 });
      const message = await post('will fail first');
      const failing = await until('a failed attempt', async () => {
        const page = await call<Page>(t.url, alice.token, 'GET', path('?status=pending'));
        return page.body.deliveries.find((d) => d.lastStatus === 500 && !d.inFlight);
      });
      expect(failing).toMatchObject({
        eventType: 'NEW_MESSAGE',
        status: 'pending',
        attemptCount: 1,
        lastError: 'http_500',
        webhookId: null,
        deliveredAt: null,
      });
      // Seed 003: the next attempt is 30 s after the first failure.
      expect(failing.nextAttemptAt).toBe((failing.firstFailedAt ?? 0) + 30_000);

      const detail = await call<Detail>(t.url, alice.token, 'GET', path(`/${failing.id}`));
      expect(detail.status).toBe(200);
      expect(JSON.parse(JSON.parse(detail.body.payload).body).mId).toBe(message.body.id);
      expect(detail.body.attempts).toHaveLength(1);
      expect(detail.body.attempts[0]).toMatchObject({
        url: `${base}/events`,
        transport: 'http',
        outcome: 'retry',
        statusCode: 500,
        error: 'http_500',
        nextAttemptAt: failing.nextAttemptAt,
      });
      expect(detail.body.attempts[0].latencyMs).toBeGreaterThan(0);

      receiver.answer = () => ({ status: 200, body: {} });
      const retried = await call<{ rescheduled: number }>(t.url, alice.token, 'POST', path('/retry'));
      expect(retried).toEqual({ status: 202, body: { rescheduled: 1 } });
      const copies = await until('the retried copy', async () => {
        const found = receiver.received.filter(deliveryOf(message.body.id));
        return found.length === 2 ? found : undefined;
      });
      expect(copies.map((r) => [r.headers['x-switchboard-delivery-id'], r.headers['x-switchboard-retry-count']])).toEqual([
        [failing.id, '0'],
        [failing.id, '1'],
      ]);
      const after = await until('the recorded success', async () => {
        const res = await call<Detail>(t.url, alice.token, 'GET', path(`/${failing.id}`));
        return res.body.status === 'delivered' && res.body.attempts.length === 2 ? res.body : undefined;
      });
      expect(after).toMatchObject({ attemptCount: 2, lastStatus: 200, lastError: null, nextAttemptAt: null });
      expect(after.attempts.map((a) => [a.outcome, a.statusCode])).toEqual([
        ['retry', 500],
        ['delivered', 200],
      ]);
    });

    it('redelivers a delivered event under the same delivery id', async () => {
      const message = await post('deliver me twice');
      await receiver.waitFor(deliveryOf(message.body.id));
      const page = await until('the delivered row', async () => {
        const res = await call<Page>(t.url, alice.token, 'GET', path('?status=delivered&limit=1'));
        return res.body.deliveries[0]?.attemptCount === 1 ? res.body : undefined;
      });
      const first = page.deliveries[0];
      // A first-try success is described by its row alone: no attempt is kept.
      expect((await call<Detail>(t.url, alice.token, 'GET', path(`/${first.id}`))).body.attempts).toEqual([]);

      const redelivered = await call<Delivery>(t.url, alice.token, 'POST', path(`/${first.id}/redeliver`));
      expect(redelivered.status).toBe(202);
      expect(redelivered.body).toMatchObject({ id: first.id, status: 'pending', firstFailedAt: null });
      await until('the second copy', async () => {
        const copies = receiver.received.filter((r) => deliveryOf(message.body.id)(r));
        return copies.length === 2 ? copies : undefined;
      });
      const copies = receiver.received.filter((r) => deliveryOf(message.body.id)(r));
      expect(copies.map((r) => r.headers['x-switchboard-delivery-id'])).toEqual([first.id, first.id]);
      const done = await until('delivered again', async () => {
        const res = await call<Detail>(t.url, alice.token, 'GET', path(`/${first.id}`));
        return res.body.status === 'delivered' && res.body.attemptCount === 2 ? res.body : undefined;
      });
      // The second success follows an earlier attempt, so it is kept.
      expect(done.attempts.map((a) => a.outcome)).toEqual(['delivered']);
    });

    it('refuses to redeliver a delivery a dispatcher holds (409), without touching it', async () => {
      const some = (await call<Page>(t.url, alice.token, 'GET', path('?status=delivered&limit=1'))).body.deliveries[0];
      const db = t.platform.services.store.db;
      // What a claim by another node looks like: pending, leased for a minute.
      const leaseUntil = Date.now() + 60_000;
      await db.updateTable('event_outbox').set({ status: 'pending', lease_until: leaseUntil, lease_owner: 'other-node' }).where('id', '=', some.id).execute();
      try {
        const res = await call<{ code: string }>(t.url, alice.token, 'POST', path(`/${some.id}/redeliver`));
        expect(res).toMatchObject({ status: 409, body: { code: 'conflict' } });
        const row = await db.selectFrom('event_outbox').select(['lease_owner', 'lease_until']).where('id', '=', some.id).executeTakeFirstOrThrow();
        expect([row.lease_owner, Number(row.lease_until)]).toEqual(['other-node', leaseUntil]);
        expect((await call<Delivery>(t.url, alice.token, 'GET', path(`/${some.id}`))).body.inFlight).toBe(true);
      } finally {
        await db.updateTable('event_outbox').set({ status: 'delivered', lease_until: null, lease_owner: null }).where('id', '=', some.id).execute();
      }
    });

    it('pages newest first with a cursor and filters by status and event type', async () => {
      for (const text of ['p1', 'p2', 'p3']) await post(text);
      await until('three more deliveries', async () => {
        const res = await call<Page>(t.url, alice.token, 'GET', path('?status=delivered&limit=100'));
        return res.body.deliveries.length >= 5 ? true : undefined;
      });
      const all = (await call<Page>(t.url, alice.token, 'GET', path('?limit=100'))).body.deliveries.map((d) => d.id);
      expect(all).toEqual([...all].sort().reverse());
      const first = await call<Page>(t.url, alice.token, 'GET', path('?limit=2'));
      expect(first.body.deliveries.map((d) => d.id)).toEqual(all.slice(0, 2));
      expect(first.body.nextCursor).toBe(all[1]);
      const second = await call<Page>(t.url, alice.token, 'GET', path(`?limit=2&cursor=${first.body.nextCursor}`));
      expect(second.body.deliveries.map((d) => d.id)).toEqual(all.slice(2, 4));
      const last = await call<Page>(t.url, alice.token, 'GET', path(`?limit=100&cursor=${all[all.length - 2]}`));
      expect(last.body).toEqual({ deliveries: [expect.objectContaining({ id: all[all.length - 1] })], nextCursor: null });
      expect((await call<Page>(t.url, alice.token, 'GET', path('?eventType=REACTION_ADDED'))).body.deliveries).toEqual([]);
      expect((await call<Page>(t.url, alice.token, 'GET', path('?eventType=NEW_MESSAGE&limit=100'))).body.deliveries).toHaveLength(all.length);
      expect((await call<Page>(t.url, alice.token, 'GET', path('?status=failed'))).body.deliveries).toEqual([]);
    });

    it("answers 404 for other people's apps and unknown deliveries, 400 for bad input", async () => {
      const some = (await call<Page>(t.url, alice.token, 'GET', path('?limit=1'))).body.deliveries[0].id;
      for (const [method, rest] of [
        ['GET', ''],
        ['GET', `/${some}`],
        ['POST', `/${some}/redeliver`],
        ['POST', '/retry'],
      ] as const) {
        const res = await call<{ code: string }>(t.url, bob.token, method, path(rest));
        expect([method, rest, res.status, res.body.code]).toEqual([method, rest, 404, 'not_found']);
      }
      expect((await call<{ code: string }>(t.url, alice.token, 'GET', path('/000000000000000000000000'))).body.code).toBe('not_found');
      expect((await call<{ code: string }>(t.url, alice.token, 'POST', path('/000000000000000000000000/redeliver'))).status).toBe(404);
      const bad = await call<{ code: string }>(t.url, alice.token, 'GET', path('?cursor=nope&limit=0&status=lost'));
      expect(bad).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
      const anonymous = await fetch(`${t.url}${path()}`);
      expect(anonymous.status).toBe(401);
    });
  });
}
