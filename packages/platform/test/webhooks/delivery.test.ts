import { OUTBOUND_TOKEN_HEADER, signOutbound } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisteredApp } from '../apps/oauth-dance.js';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { channelId, createWebhook, hooksPath, installedApp, type WebhookView } from './setup.js';
import { WatsonReceiver } from './watson-receiver.js';

for (const dialect of await dialects()) {
  describe(`webhooks: event delivery (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let bob: Session;
    let general: string;
    let random: string;
    /** Moves the platform's clock forward (retry schedule) without waiting. */
    let skew = 0;
    const receivers: WatsonReceiver[] = [];

    /** An installed app with an enabled webhook on its own receiver (own origin: no shared endpoint gate). */
    async function enabledHook(name: string, events = ['message-created']): Promise<{ app: RegisteredApp; hook: WebhookView; receiver: WatsonReceiver }> {
      const app = await installedApp(t, alice, name);
      const receiver = new WatsonReceiver();
      receivers.push(receiver);
      await receiver.start();
      const hook = await createWebhook(t, alice, app.id, receiver.url, events);
      receiver.secret = hook.secret ?? '';
      const enabled = await call(t.url, alice.token, 'POST', `${hooksPath(app.id)}/${hook.id}/enable`);
      if (enabled.status !== 200) throw new Error(`enable failed ${JSON.stringify(enabled.body)}`);
      return { app, hook, receiver };
    }

    const post = async (who: Session, channel: string, text: string) =>
      (await call<{ id: string }>(t.url, who.token, 'POST', `/v1/channels/${channel}/messages`, { text })).body.id;
    const outbox = (target: string) => t.platform.services.store.db.selectFrom('event_outbox').selectAll().where('target', '=', target).orderBy('id').execute();

    beforeAll(async () => {
      t = await startPlatform({ dialect, clock: { now: () => Date.now() + skew } });
      alice = await login(t.url, 'alice@example.com');
      bob = await login(t.url, 'bob@example.com');
      general = await channelId(t, alice, 'general');
      random = (await call<{ channel: { id: string } }>(t.url, alice.token, 'POST', '/v1/channels', { name: 'webhook-other', type: 'PUBLIC' })).body.channel.id;
    });
    afterAll(async () => {
      await t?.stop();
      for (const r of receivers) await r.stop();
    });

    it('delivers message-created flat and signed, X-OUTBOUND-INDEX counting per channel', async () => {
      const { app, receiver } = await enabledHook('hooks_deliver');
      const m1 = await post(bob, general, 'first');
      const m2 = await post(alice, general, 'second');
      const m3 = await post(alice, random, 'elsewhere');
      const events = await receiver.waitForEvents(3);
      expect(receiver.rejected).toEqual([]);
      const byId = new Map(events.map((e) => [e.body.messageId, e]));
      const first = byId.get(m1);
      expect(first?.body).toEqual({
        type: 'message-created',
        messageId: m1,
        channelId: general,
        spaceId: general,
        workspaceId: alice.workspaceId,
        userId: bob.workspaceUserId,
        content: 'first',
        time: expect.any(Number),
      });
      expect(first?.headers[OUTBOUND_TOKEN_HEADER]).toBe(signOutbound(receiver.secret, first?.raw ?? ''));
      expect(first?.headers['x-outbound-retry-count']).toBe('0');
      expect(first?.headers['content-type']).toMatch(/application\/json/);
      expect(Number(first?.headers['x-outbound-index'])).toBe(1);
      expect(Number(byId.get(m2)?.headers['x-outbound-index'])).toBe(2);
      expect(Number(byId.get(m3)?.headers['x-outbound-index'])).toBe(1);
      // Same channel: in order.
      expect(events.filter((e) => e.body.channelId === general).map((e) => e.body.messageId)).toEqual([m1, m2]);
      const rowsOf = () =>
        t.platform.services.store.db.selectFrom('event_outbox').selectAll().where('app_id', '=', app.id).where('target', 'is not', null).execute();
      let rows = await rowsOf();
      // Outcomes are recorded in batches just after the sends.
      for (let i = 0; i < 100 && !rows.every((r) => r.status === 'delivered'); i += 1) {
        await new Promise((r) => setTimeout(r, 20));
        rows = await rowsOf();
      }
      expect(rows.map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered']);
      expect(rows.map((r) => Number(r.outbound_index)).sort()).toEqual([1, 1, 2]);
    });

    it('sends only subscribed events, never from channels the app cannot see, nothing once disabled', async () => {
      const { app, hook, receiver } = await enabledHook('hooks_filter', ['message-edited']);
      const id = await post(bob, general, 'to edit');
      const edited = await call(t.url, bob.token, 'PUT', `/v1/channels/${general}/messages/${id}`, { text: 'edited' });
      expect(edited.status).toBe(200);
      const [event] = await receiver.waitForEvents(1);
      expect(event.body).toMatchObject({ type: 'message-edited', messageId: id, content: 'edited', channelId: general, userId: bob.workspaceUserId });
      expect(receiver.events.some((e) => e.body.type === 'message-created')).toBe(false);
      await call(t.url, alice.token, 'PUT', `${hooksPath(app.id)}/${hook.id}`, { events: ['message-created'] });
      const secret = await call<{ channel: { id: string } }>(t.url, bob.token, 'POST', '/v1/channels', { name: `hidden-${dialect}`, type: 'PRIVATE' });
      const hidden = await post(bob, secret.body.channel.id, 'hidden');
      const marker = await post(bob, general, 'marker');
      await receiver.waitForEvents(1, (e) => e.body.messageId === marker);
      expect(receiver.events.some((e) => e.body.messageId === hidden)).toBe(false);
      expect((await call(t.url, alice.token, 'POST', `${hooksPath(app.id)}/${hook.id}/disable`)).status).toBe(200);
      const after = await post(bob, general, 'after disable');
      await new Promise((r) => setTimeout(r, 400));
      expect(receiver.events.some((e) => e.body.messageId === after)).toBe(false);
      expect((await outbox(hook.id)).some((r) => r.payload.includes(after))).toBe(false);
    });

    it('retries an answer other than 200/201/203/204 on the schedule, with X-OUTBOUND-RETRY-COUNT', async () => {
      const { hook, receiver } = await enabledHook('hooks_retry');
      receiver.answer = () => 202;
      const id = await post(bob, general, 'accepted is not enough');
      await receiver.waitForEvents(1, (e) => e.body.messageId === id);
      let row = (await outbox(hook.id)).find((r) => r.payload.includes(id));
      for (let i = 0; i < 50 && row?.attempts !== 1; i += 1) {
        await new Promise((r) => setTimeout(r, 20));
        row = (await outbox(hook.id)).find((r) => r.payload.includes(id));
      }
      expect(row).toMatchObject({ status: 'pending', attempts: 1, last_status: 202 });
      expect(Number(row?.next_attempt_at) - Number(row?.first_failed_at)).toBe(30_000);
      receiver.answer = () => 204;
      skew += 31_000;
      t.platform.services.dispatcher.wake();
      const both = await receiver.waitForEvents(2, (e) => e.body.messageId === id);
      expect(both.map((e) => e.headers['x-outbound-retry-count'])).toEqual(['0', '1']);
      expect(both[1].headers['x-outbound-index']).toBe(both[0].headers['x-outbound-index']);
      expect(both[1].raw).toBe(both[0].raw);
      for (let i = 0; i < 50 && row?.status !== 'delivered'; i += 1) {
        await new Promise((r) => setTimeout(r, 20));
        row = (await outbox(hook.id)).find((r) => r.payload.includes(id));
      }
      expect(row?.status).toBe('delivered');
    });

    it('update and enable retry pending deliveries at once (the schedule resets)', async () => {
      const { app, hook, receiver } = await enabledHook('hooks_reset');
      receiver.answer = () => 500;
      const id = await post(bob, general, 'fails first');
      await receiver.waitForEvents(1, (e) => e.body.messageId === id);
      await new Promise((r) => setTimeout(r, 100));
      receiver.answer = () => 200;
      const updated = await call(t.url, alice.token, 'PUT', `${hooksPath(app.id)}/${hook.id}`, { events: ['message-created', 'message-deleted'] });
      expect(updated.status).toBe(200);
      const retried = await receiver.waitForEvents(2, (e) => e.body.messageId === id, 2000);
      expect(retried[1].headers['x-outbound-retry-count']).toBe('1');

      receiver.answer = () => 503;
      const id2 = await post(bob, general, 'fails again');
      await receiver.waitForEvents(1, (e) => e.body.messageId === id2);
      await new Promise((r) => setTimeout(r, 100));
      receiver.answer = () => 201;
      expect((await call(t.url, alice.token, 'POST', `${hooksPath(app.id)}/${hook.id}/enable`)).status).toBe(200);
      await receiver.waitForEvents(2, (e) => e.body.messageId === id2, 2000);
    });

    it('enable lifts a tripped endpoint gate: the held backlog goes at once', async () => {
      const { app, hook, receiver } = await enabledHook('hooks_gate');
      receiver.answer = () => 500;
      // Three channels are three lanes: three failures in a row trip the endpoint's gate.
      const ids: string[] = [];
      for (const name of ['gate-a', 'gate-b', 'gate-c']) {
        const channel = (await call<{ channel: { id: string } }>(t.url, alice.token, 'POST', '/v1/channels', { name, type: 'PUBLIC' })).body.channel.id;
        ids.push(await post(alice, channel, `held in ${name}`));
      }
      await receiver.waitForEvents(3, (e) => ids.includes(String(e.body.messageId)));
      for (let i = 0; i < 50 && t.platform.services.dispatcher.gatedEndpoints() === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
      expect(t.platform.services.dispatcher.gatedEndpoints()).toBeGreaterThan(0);
      receiver.answer = () => 200;
      expect((await call(t.url, alice.token, 'POST', `${hooksPath(app.id)}/${hook.id}/enable`)).status).toBe(200);
      const all = await receiver.waitForEvents(6, (e) => ids.includes(String(e.body.messageId)), 2000);
      expect(all.slice(3).map((e) => e.headers['x-outbound-retry-count'])).toEqual(['1', '1', '1']);
    });

    it('delete cancels pending retries', async () => {
      const { app, hook, receiver } = await enabledHook('hooks_delete');
      receiver.answer = () => 500;
      const id = await post(bob, general, 'never delivered');
      await receiver.waitForEvents(1, (e) => e.body.messageId === id);
      let rows = await outbox(hook.id);
      for (let i = 0; i < 50 && rows[0]?.attempts !== 1; i += 1) {
        await new Promise((r) => setTimeout(r, 20));
        rows = await outbox(hook.id);
      }
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 'pending', attempts: 1 });
      expect((await call(t.url, alice.token, 'DELETE', `${hooksPath(app.id)}/${hook.id}`)).status).toBe(204);
      expect((await outbox(hook.id)).map((r) => r.status)).toEqual(['cancelled']);
      receiver.answer = () => 200;
      skew += 31_000;
      t.platform.services.dispatcher.wake();
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.events.filter((e) => e.body.messageId === id)).toHaveLength(1);
    });
  });
}
