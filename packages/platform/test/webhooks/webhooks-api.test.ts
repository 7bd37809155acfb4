import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegisteredApp, registerApp, testManifest } from '../apps/oauth-dance.js';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { createWebhook, hooksPath, type WebhookView } from './setup.js';

for (const dialect of await dialects()) {
  describe(`webhooks: management API (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let bob: Session;
    let app: RegisteredApp;

    beforeAll(async () => {
      t = await startPlatform({ dialect });
      alice = await login(t.url, 'alice@example.com');
      bob = await login(t.url, 'bob@example.com');
      app = await registerApp(t.url, alice, testManifest({ name: 'hooks_api', welcomeMessage: null }));
    });
    afterAll(async () => {
      await t?.stop();
    });

    it('creates a disabled webhook and shows its 256-bit secret once, sealed at rest', async () => {
      const res = await call<WebhookView>(t.url, alice.token, 'POST', hooksPath(app.id), {
        url: 'https://hooks.example.com/a',
        events: ['message-created', 'message-created', 'reaction-added'],
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ appId: app.id, url: 'https://hooks.example.com/a', events: ['message-created', 'reaction-added'], enabled: false });
      expect(res.body.secret).toMatch(/^[0-9a-f]{64}$/);
      const row = await t.platform.services.store.db.selectFrom('webhooks').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
      expect(row.secret_enc).not.toContain(res.body.secret);
      expect(row.secret_enc.startsWith('v1.')).toBe(true);
      const list = await call<WebhookView[]>(t.url, alice.token, 'GET', hooksPath(app.id));
      expect(list.status).toBe(200);
      const listed = list.body.find((w) => w.id === res.body.id);
      expect(listed).toMatchObject({ id: res.body.id, enabled: false, events: ['message-created', 'reaction-added'] });
      expect(listed && 'secret' in listed).toBe(false);
    });

    it('updates url and events, disables, deletes', async () => {
      const hook = await createWebhook(t, alice, app.id, 'https://hooks.example.com/b');
      const updated = await call<WebhookView>(t.url, alice.token, 'PUT', `${hooksPath(app.id)}/${hook.id}`, {
        url: 'https://hooks.example.com/c',
        events: ['message-edited'],
      });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ id: hook.id, url: 'https://hooks.example.com/c', events: ['message-edited'], enabled: false });
      expect('secret' in updated.body).toBe(false);
      const onlyEvents = await call<WebhookView>(t.url, alice.token, 'PUT', `${hooksPath(app.id)}/${hook.id}`, { events: ['message-deleted'] });
      expect(onlyEvents.body).toMatchObject({ url: 'https://hooks.example.com/c', events: ['message-deleted'] });
      const disabled = await call<WebhookView>(t.url, alice.token, 'POST', `${hooksPath(app.id)}/${hook.id}/disable`);
      expect(disabled.status).toBe(200);
      expect(disabled.body.enabled).toBe(false);
      const row = await t.platform.services.store.db.selectFrom('webhooks').selectAll().where('id', '=', hook.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ url: 'https://hooks.example.com/c', events: '["message-deleted"]', enabled: 0 });
      const deleted = await call(t.url, alice.token, 'DELETE', `${hooksPath(app.id)}/${hook.id}`);
      expect(deleted.status).toBe(204);
      const list = await call<WebhookView[]>(t.url, alice.token, 'GET', hooksPath(app.id));
      expect(list.body.some((w) => w.id === hook.id)).toBe(false);
      const again = await call<{ code: string }>(t.url, alice.token, 'DELETE', `${hooksPath(app.id)}/${hook.id}`);
      expect(again.status).toBe(404);
      expect(again.body.code).toBe('not_found');
    });

    it("only the app's owner manages its webhooks", async () => {
      const hook = await createWebhook(t, alice, app.id, 'https://hooks.example.com/d');
      for (const [method, path, body] of [
        ['GET', hooksPath(app.id), undefined],
        ['POST', hooksPath(app.id), { url: 'https://evil.example.com', events: ['message-created'] }],
        ['PUT', `${hooksPath(app.id)}/${hook.id}`, { url: 'https://evil.example.com' }],
        ['POST', `${hooksPath(app.id)}/${hook.id}/enable`, undefined],
        ['POST', `${hooksPath(app.id)}/${hook.id}/disable`, undefined],
        ['DELETE', `${hooksPath(app.id)}/${hook.id}`, undefined],
      ] as const) {
        const res = await call<{ code: string }>(t.url, bob.token, method, path, body);
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.body.code).toBe('not_found');
      }
      const anonymous = await fetch(`${t.url}${hooksPath(app.id)}`);
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as { code: string }).code).toBe('unauthenticated');
      // Another app's webhook id under this app's path is not found either.
      const other = await registerApp(t.url, alice, testManifest({ name: 'hooks_other', welcomeMessage: null }));
      const res = await call<{ code: string }>(t.url, alice.token, 'POST', `${hooksPath(other.id)}/${hook.id}/disable`);
      expect(res.status).toBe(404);
    });

    it('answers garbage with 4xx and a code', async () => {
      const hook = await createWebhook(t, alice, app.id, 'https://hooks.example.com/e');
      const cases: [string, string, unknown, number, string][] = [
        ['POST', hooksPath(app.id), {}, 400, 'validation_failed'],
        ['POST', hooksPath(app.id), { url: 'https://x.example.com' }, 400, 'validation_failed'],
        ['POST', hooksPath(app.id), { url: 'ftp://x.example.com', events: ['message-created'] }, 400, 'validation_failed'],
        ['POST', hooksPath(app.id), { url: 'not a url', events: ['message-created'] }, 400, 'validation_failed'],
        ['POST', hooksPath(app.id), { url: 'https://u:p@x.example.com', events: ['message-created'] }, 400, 'validation_failed'],
        ['POST', hooksPath(app.id), { url: 'https://x.example.com', events: [] }, 400, 'validation_failed'],
        ['POST', hooksPath(app.id), { url: 'https://x.example.com', events: ['NEW_MESSAGE'] }, 400, 'validation_failed'],
        ['POST', hooksPath(app.id), { url: 'https://x.example.com', events: 'message-created' }, 400, 'validation_failed'],
        ['POST', hooksPath(app.id), { url: `https://x.example.com/${'a'.repeat(3000)}`, events: ['message-created'] }, 400, 'validation_failed'],
        ['POST', hooksPath(app.id), [1, 2], 400, 'validation_failed'],
        ['PUT', `${hooksPath(app.id)}/${hook.id}`, {}, 400, 'validation_failed'],
        ['PUT', `${hooksPath(app.id)}/${hook.id}`, { events: ['nope'] }, 400, 'validation_failed'],
        ['PUT', `${hooksPath(app.id)}/nope`, { events: ['message-created'] }, 404, 'not_found'],
        ['POST', `${hooksPath(app.id)}/nope/enable`, undefined, 404, 'not_found'],
        ['POST', hooksPath('x'.repeat(65)), { url: 'https://x.example.com', events: ['message-created'] }, 400, 'validation_failed'],
        ['GET', hooksPath('no-such-app'), undefined, 404, 'not_found'],
      ];
      for (const [method, path, body, status, code] of cases) {
        const res = await call<{ code: string; message: string }>(t.url, alice.token, method, path, body);
        expect(res.status, `${method} ${path} ${JSON.stringify(body)?.slice(0, 80)}`).toBe(status);
        expect(res.body.code).toBe(code);
        expect(res.body.message.length).toBeGreaterThan(0);
      }
      const broken = await fetch(`${t.url}${hooksPath(app.id)}`, {
        method: 'POST',
        headers: { authtoken: alice.token, 'content-type': 'application/json' },
        body: '{"url": ',
      });
      expect(broken.status).toBe(400);
      expect(((await broken.json()) as { code: string }).code).toBe('invalid_json');
    });
  });
}
