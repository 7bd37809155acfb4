import type { ChannelInfo, Message, ScheduledMessage, ScheduledMessages } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/index.js';
import { botHeaders, callWith, type InstalledApp, installApp } from '../files/app-install.js';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { eventually } from './eventually.js';

const DAY = 86_400_000;

for (const dialect of await dialects()) {
  describe(`scheduled messages (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let bob: Session;
    let general: string;
    let bot: InstalledApp;
    let offset = 0;
    const clock: Clock = { now: () => Date.now() + offset };

    beforeAll(async () => {
      t = await startPlatform({ dialect, clock, config: { scheduledPollIntervalMs: 50 } });
      alice = await login(t.url, 'alice@example.com');
      bob = await login(t.url, 'bob@example.com');
      const list = await call<ChannelInfo[]>(t.url, alice.token, 'GET', '/v1/channels');
      general = list.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
      bot = await installApp(
        t,
        alice,
        'later_bot',
        ['messages:read', 'messages:write', 'messages:edit', 'messages:delete', 'attachments:write'],
        [],
        [general],
      );
    });
    afterAll(async () => t?.stop());

    const api = <T>(who: Session, method: string, path: string, body?: unknown) => call<T>(t.url, who.token, method, path, body);
    const postedWith = async (text: string) => {
      const page = await api<{ messages: Message[] }>(alice, 'GET', `/v1/channels/${general}/messages?limit=100`);
      return page.body.messages.filter((m) => m.text === text);
    };
    // Straight from the table: once the test moves the clock a day on, people's tokens have expired.
    const storedWith = (text: string) => t.platform.services.store.db.selectFrom('messages').select(['id', 'author_id']).where('text', '=', text).execute();
    const row = (id: string) =>
      t.platform.services.store.db
        .withTables<{ scheduled_messages: { id: string; status: string; send_at: number; occurrences: number; last_message_id: string | null } }>()
        .selectFrom('scheduled_messages')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();

    it('creates, lists, reads, edits and cancels one’s own scheduled messages', async () => {
      const sendAt = clock.now() + 3_600_000;
      const created = await api<ScheduledMessage>(alice, 'POST', '/v1/messages/scheduled', { channelId: general, text: 'standup in 5', sendAt });
      expect(created.status).toBe(200);
      expect(created.body).toEqual({
        id: expect.any(String),
        workspaceId: alice.workspaceId,
        author: alice.workspaceUserId,
        channelId: general,
        text: 'standup in 5',
        sentAt: sendAt,
        files: [],
        attachments: [],
      });
      const id = created.body.id;
      const listed = await api<ScheduledMessages>(alice, 'GET', '/v1/messages/scheduled');
      expect(listed.body).toEqual({ scheduledMessages: [created.body], hasMore: false });
      expect((await api<ScheduledMessages>(bob, 'GET', '/v1/messages/scheduled')).body.scheduledMessages).toEqual([]);
      expect((await api(bob, 'GET', `/v1/messages/scheduled/${id}`)).status).toBe(404);
      expect((await api(bob, 'DELETE', `/v1/messages/scheduled/${id}`)).status).toBe(404);

      const recurrence = { recurrenceType: 'WEEKLY', endAfterOccurrences: 3 };
      const edited = await api<ScheduledMessage>(alice, 'PUT', `/v1/messages/scheduled/${id}`, {
        channelId: general,
        text: 'standup now',
        sendAt: sendAt + 60_000,
        recurrence,
      });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({
        text: 'standup now',
        sentAt: sendAt + 60_000,
        recurrence: { recurrenceType: 'WEEKLY', endAfterOccurrences: 3, endDate: 0 },
      });
      const attachments = [{ title: 'agenda', text: '1. news' }];
      const withAttachments = await api<ScheduledMessage>(alice, 'PUT', `/v1/messages/scheduled/${id}/attachments`, { attachments });
      expect(withAttachments.body.attachments).toEqual(attachments);
      expect((await api<ScheduledMessage>(alice, 'GET', `/v1/messages/scheduled/${id}`)).body).toEqual(withAttachments.body);

      expect((await api(alice, 'DELETE', `/v1/messages/scheduled/${id}`)).status).toBe(204);
      expect((await api(alice, 'GET', `/v1/messages/scheduled/${id}`)).status).toBe(404);
    });

    it('refuses what could never be posted', async () => {
      const past = await api(alice, 'POST', '/v1/messages/scheduled', { channelId: general, text: 'too late', sendAt: clock.now() - 3_600_000 });
      expect(past.status).toBe(400);
      expect(past.body).toMatchObject({ code: 'validation_failed', message: expect.any(String) });
      const empty = await api(alice, 'POST', '/v1/messages/scheduled', { channelId: general, text: '  ', sendAt: clock.now() + 60_000 });
      expect(empty.status).toBe(400);
      const room = await api<ChannelInfo>(alice, 'POST', '/v1/channels', { name: `closed-${dialect}`, type: 'PRIVATE' });
      const elsewhere = await api(bob, 'POST', '/v1/messages/scheduled', { channelId: room.body.channel.id, text: 'hi', sendAt: clock.now() + 60_000 });
      expect(elsewhere.status).toBe(404);
      const noChannel = await api(alice, 'POST', '/v1/messages/scheduled', { text: 'hi', sendAt: clock.now() + 60_000 });
      expect(noChannel.status).toBe(400);
    });

    it('posts it at its time through the message service, once, and forgets it', async () => {
      const text = `due soon ${dialect}`;
      const created = await api<ScheduledMessage>(alice, 'POST', '/v1/messages/scheduled', { channelId: general, text, sendAt: clock.now() + 300 });
      expect(await postedWith(text)).toEqual([]);
      const [message] = await eventually(async () => {
        const found = await postedWith(text);
        return found.length > 0 && found;
      });
      expect(message).toMatchObject({ author: alice.workspaceUserId, channelId: general, text });
      expect(message.timestampMilli).toBeGreaterThanOrEqual(created.body.sentAt);
      expect(await row(created.body.id)).toMatchObject({ status: 'sent', occurrences: 1, last_message_id: message.id });
      expect((await api<ScheduledMessages>(alice, 'GET', '/v1/messages/scheduled')).body.scheduledMessages.map((s) => s.id)).not.toContain(created.body.id);
      expect((await api(alice, 'GET', `/v1/messages/scheduled/${created.body.id}`)).status).toBe(404);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await postedWith(text)).toHaveLength(1);
    });

    it('checks the scopes of an app token on every route', async () => {
      const reader = await installApp(t, alice, `reader_${dialect}`, ['messages:read'], [], [general]);
      const denied = await callWith(t.url, botHeaders(reader), 'POST', '/v1/messages/scheduled', {
        channelId: general,
        text: 'x',
        sendAt: clock.now() + 60_000,
      });
      expect(denied.status).toBe(403);
      expect(denied.body).toMatchObject({ code: 'missing_scope', needed: 'messages:write' });
      expect((await callWith(t.url, botHeaders(reader), 'GET', '/v1/messages/scheduled')).status).toBe(200);
      expect((await callWith(t.url, botHeaders(reader), 'DELETE', '/v1/messages/scheduled/x')).status).toBe(403);
    });
    it('answers the requests exactly as the Pumble SDK builds them (JSON content type on bodiless calls too)', async () => {
      const headers = botHeaders(bot);
      const created = await callWith<ScheduledMessage>(t.url, headers, 'POST', '/v1/messages/scheduled', {
        sendAt: clock.now() + 3_600_000,
        text: 'sdk',
        channelId: general,
      });
      expect(created.status).toBe(200);
      const listed = await callWith<ScheduledMessages>(t.url, headers, 'GET', '/v1/messages/scheduled');
      expect(listed.status).toBe(200);
      expect(listed.body.scheduledMessages.map((m) => m.id)).toContain(created.body.id);
      expect((await callWith(t.url, headers, 'GET', `/v1/messages/scheduled/${created.body.id}`)).status).toBe(200);
      expect((await callWith(t.url, headers, 'DELETE', `/v1/messages/scheduled/${created.body.id}`)).status).toBe(204);
      expect((await callWith(t.url, headers, 'DELETE', `/v1/messages/scheduled/${created.body.id}`)).status).toBe(404);
    });

    it('drops what an app scheduled with a person’s token once the person unauthorizes the app', async () => {
      const helper = await installApp(t, alice, `helper_${dialect}`, ['messages:write'], ['messages:read', 'messages:write']);
      const asAlice = { token: helper.userToken, 'x-app-token': helper.appKey };
      const text = `on alice's behalf ${dialect}`;
      const created = await callWith<ScheduledMessage>(t.url, asAlice, 'POST', '/v1/messages/scheduled', {
        channelId: general,
        text,
        sendAt: clock.now() + 400,
      });
      expect(created.status).toBe(200);
      expect(created.body.author).toBe(alice.workspaceUserId);
      expect((await callWith(t.url, asAlice, 'DELETE', '/v1/app/authorization')).status).toBeLessThan(300);
      await eventually(async () => (await row(created.body.id)).status === 'failed');
      expect(await storedWith(text)).toEqual([]);
    });

    it('lets an app schedule with its bot token and posts as the bot; recurring messages come back until they end', async () => {
      const text = `daily digest ${dialect}`;
      const created = await callWith<ScheduledMessage>(t.url, botHeaders(bot), 'POST', '/v1/messages/scheduled', {
        channelId: general,
        text,
        sendAt: clock.now() + 200,
        recurrence: { recurrenceType: 'DAILY', endAfterOccurrences: 2 },
      });
      expect(created.status).toBe(200);
      expect(created.body.author).toBe(bot.botUserId);
      const first = await eventually(async () => (await row(created.body.id)).occurrences === 1 && row(created.body.id));
      expect(first).toMatchObject({ status: 'pending', send_at: created.body.sentAt + DAY });
      const [posted] = await postedWith(text);
      expect(posted.author).toBe(bot.botUserId);
      // A day later (the platform's clock), the second and last occurrence.
      offset += DAY;
      await eventually(async () => (await row(created.body.id)).status === 'sent');
      expect(await storedWith(text)).toEqual([
        { id: expect.any(String), author_id: bot.botUserId },
        { id: expect.any(String), author_id: bot.botUserId },
      ]);
      expect((await row(created.body.id)).occurrences).toBe(2);
      // A person's token cannot see or cancel the bot's schedule.
      const listed = await callWith<ScheduledMessages>(t.url, botHeaders(bot), 'GET', '/v1/messages/scheduled');
      expect(listed.body.scheduledMessages).toEqual([]);
    });
  });
}
