import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OUTBOUND_TOKEN_HEADER, signOutbound } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegisteredApp, registerApp, testManifest } from '../apps/oauth-dance.js';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { createWebhook, hooksPath, type WebhookView } from './setup.js';
import { type VerificationMode, WatsonReceiver } from './watson-receiver.js';

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

for (const dialect of await dialects()) {
  describe(`webhooks: verification handshake (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let app: RegisteredApp;
    const receiver = new WatsonReceiver();

    beforeAll(async () => {
      t = await startPlatform({ dialect });
      alice = await login(t.url, 'alice@example.com');
      app = await registerApp(t.url, alice, testManifest({ name: 'hooks_verify', welcomeMessage: null }));
      await receiver.start();
    });
    afterAll(async () => {
      await t?.stop();
      await receiver.stop();
    });

    async function enableWith(mode: VerificationMode) {
      const hook = await createWebhook(t, alice, app.id, receiver.url);
      receiver.secret = hook.secret ?? '';
      receiver.verification = mode;
      const res = await call<WebhookView & { code: string; message: string; reason: string }>(
        t.url,
        alice.token,
        'POST',
        `${hooksPath(app.id)}/${hook.id}/enable`,
      );
      const list = await call<WebhookView[]>(t.url, alice.token, 'GET', hooksPath(app.id));
      return { hook, res, enabled: list.body.find((w) => w.id === hook.id)?.enabled };
    }

    it('enables after a correct, signed answer to a signed challenge', async () => {
      const before = receiver.challenges.length;
      const { res, enabled } = await enableWith('ok');
      expect(res.status).toBe(200);
      expect(res.body.enabled).toBe(true);
      expect(enabled).toBe(true);
      // The receiver only records challenges whose X-OUTBOUND-TOKEN verified.
      expect(receiver.challenges.length).toBe(before + 1);
      expect(receiver.challenges.at(-1)).toMatch(/^[0-9a-f]{32}$/);
      expect(receiver.rejected).toEqual([]);
    });

    it('sends a fresh challenge each time, signed over the exact raw body', async () => {
      const seen: { raw: string; token: string }[] = [];
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const raw = Buffer.concat(chunks).toString();
          seen.push({ raw, token: String(req.headers[OUTBOUND_TOKEN_HEADER]) });
          const answer = JSON.stringify({ response: (JSON.parse(raw) as { challenge: string }).challenge });
          res.writeHead(200, { [OUTBOUND_TOKEN_HEADER]: signOutbound(secret, answer) }).end(answer);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v`;
      const hook = await createWebhook(t, alice, app.id, url);
      const secret = hook.secret ?? '';
      for (let i = 0; i < 2; i += 1) expect((await call(t.url, alice.token, 'POST', `${hooksPath(app.id)}/${hook.id}/enable`)).status).toBe(200);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      expect(seen).toHaveLength(2);
      for (const { raw, token } of seen) {
        expect(JSON.parse(raw)).toEqual({ type: 'verification', challenge: expect.any(String) });
        expect(Object.keys(JSON.parse(raw))).toEqual(['type', 'challenge']);
        expect(token).toBe(signOutbound(secret, raw));
      }
      expect(JSON.parse(seen[0].raw).challenge).not.toBe(JSON.parse(seen[1].raw).challenge);
    });

    const failures: [VerificationMode, string, RegExp][] = [
      ['wrong-challenge', 'wrong_challenge', /challenge/],
      ['no-token', 'missing_token', /no X-OUTBOUND-TOKEN/],
      ['bad-token', 'invalid_token', /HMAC-SHA256/],
      ['short-token', 'malformed_token', /64 hex/],
      ['not-json', 'invalid_body', /not JSON/],
      ['status-500', 'bad_status', /HTTP 500.*200/],
      ['status-201', 'bad_status', /HTTP 201/],
    ];
    for (const [mode, reason, message] of failures) {
      it(`stays disabled when the receiver answers ${mode}`, async () => {
        const { res, enabled } = await enableWith(mode);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ code: 'webhook_verification_failed', reason });
        expect(res.body.message).toMatch(message);
        expect(enabled).toBe(false);
      });
    }

    it('stays disabled when the URL is unreachable', async () => {
      const hook = await createWebhook(t, alice, app.id, `http://127.0.0.1:${await closedPort()}/gone`);
      const res = await call<{ code: string; reason: string; message: string }>(t.url, alice.token, 'POST', `${hooksPath(app.id)}/${hook.id}/enable`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'webhook_verification_failed', reason: 'unreachable' });
      expect(res.body.message).toMatch(/could not be reached/);
    });

    it('gives up after 3 s on a receiver that never answers', async () => {
      const server = createServer(() => {});
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const hook = await createWebhook(t, alice, app.id, `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`);
      const started = Date.now();
      const res = await call<{ reason: string }>(t.url, alice.token, 'POST', `${hooksPath(app.id)}/${hook.id}/enable`);
      expect(Date.now() - started).toBeLessThan(4500);
      expect(res.status).toBe(400);
      expect(res.body.reason).toBe('unreachable');
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }, 10_000);

    it('verifies a new URL of an enabled webhook before switching to it', async () => {
      const { hook } = await enableWith('ok');
      const bad = new WatsonReceiver();
      await bad.start();
      bad.secret = receiver.secret;
      bad.verification = 'wrong-challenge';
      const refused = await call<{ code: string }>(t.url, alice.token, 'PUT', `${hooksPath(app.id)}/${hook.id}`, { url: bad.url });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('webhook_verification_failed');
      const list = await call<WebhookView[]>(t.url, alice.token, 'GET', hooksPath(app.id));
      expect(list.body.find((w) => w.id === hook.id)).toMatchObject({ url: receiver.url, enabled: true });
      bad.verification = 'ok';
      const moved = await call<WebhookView>(t.url, alice.token, 'PUT', `${hooksPath(app.id)}/${hook.id}`, { url: bad.url });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ url: bad.url, enabled: true });
      await bad.stop();
    });
  });
}
