import type { ChannelInfo, MessageFile } from '@switchboard/protocol';
import { ApiClient, SwitchboardApiError } from '@switchboard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { eventually } from '../scheduled/eventually.js';
import { type InstalledApp, installApp } from './app-install.js';

/** Our SDK's client against a real platform: search, scheduled messages and files, every answer checked against its schema. */
for (const dialect of await dialects()) {
  describe(`SDK client: search, scheduled messages, files (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let general: string;
    let app: InstalledApp;
    let bot: ApiClient;
    let reader: ApiClient;

    beforeAll(async () => {
      t = await startPlatform({ dialect, config: { scheduledPollIntervalMs: 50 } });
      alice = await login(t.url, 'alice@example.com');
      const list = await call<ChannelInfo[]>(t.url, alice.token, 'GET', '/v1/channels');
      general = list.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
      const scopes = ['messages:read', 'messages:write', 'messages:edit', 'messages:delete', 'attachments:write', 'files:write', 'channels:list'];
      app = await installApp(t, alice, 'sdk_bot', scopes, [], [general]);
      bot = new ApiClient({ baseUrl: t.url, auth: { token: app.botToken, appKey: app.appKey }, validateResponses: true });
      const readOnly = await installApp(t, alice, 'sdk_reader', ['channels:list'], [], [general]);
      reader = new ApiClient({ baseUrl: t.url, auth: { token: readOnly.botToken, appKey: readOnly.appKey } });
    });
    afterAll(async () => t?.stop());

    it('uploads a file, posts it and downloads it', async () => {
      const bytes = Buffer.from('id,total\n1,42\n');
      const file = await bot.files.upload(bytes, { name: 'totals.csv', mimeType: 'text/csv' });
      expect(file).toEqual({ id: expect.any(String), name: 'totals.csv', path: expect.stringContaining(file.id) });
      const message = await bot.messages.post(general, { text: 'Totals attached', files: [file.id] });
      const [attached] = message.files as MessageFile[];
      expect(attached).toMatchObject({ id: file.id, name: 'totals.csv', mimeType: 'text/csv', owner: app.botUserId });
      expect(await bot.files.download(attached.path)).toEqual(bytes);
      await expect(reader.files.download(attached.path)).rejects.toMatchObject({ status: 403, code: 'missing_scope' });
      await expect(reader.files.upload(bytes, { name: 'x.csv' })).rejects.toBeInstanceOf(SwitchboardApiError);
    });

    it('searches messages', async () => {
      await bot.messages.post(general, 'Heliotrope build finished');
      const page = await bot.search.messages({ text: 'heliotrope' });
      expect(page.totalElements).toBe(1);
      expect(page.content[0]).toMatchObject({ text: 'Heliotrope build finished', author: app.botUserId, channelId: general });
      await expect(reader.search.messages({ text: 'heliotrope' })).rejects.toMatchObject({ status: 403, code: 'missing_scope' });
    });

    it('schedules, lists, edits, cancels, and has a message posted at its time', async () => {
      const sendAt = Date.now() + 3_600_000;
      const later = await bot.scheduled.create({ channelId: general, text: 'Reminder: retro', sendAt });
      expect(later).toMatchObject({ text: 'Reminder: retro', sentAt: sendAt, author: app.botUserId, files: [], attachments: [] });
      expect((await bot.scheduled.list()).scheduledMessages.map((m) => m.id)).toEqual([later.id]);
      expect(await bot.scheduled.get(later.id)).toEqual(later);
      const edited = await bot.scheduled.edit(later.id, { channelId: general, text: 'Reminder: retro at 3', sendAt: sendAt + 60_000 });
      expect(edited).toMatchObject({ text: 'Reminder: retro at 3', sentAt: sendAt + 60_000 });
      const withAttachments = await bot.scheduled.editAttachments(later.id, [{ title: 'Board', title_link: 'https://example.com/board' }]);
      expect(withAttachments.attachments).toEqual([{ title: 'Board', title_link: 'https://example.com/board' }]);
      await bot.scheduled.delete(later.id);
      await expect(bot.scheduled.get(later.id)).rejects.toMatchObject({ status: 404, code: 'not_found' });

      const file = await bot.files.upload(Buffer.from('agenda'), { name: 'agenda.txt', mimeType: 'text/plain' });
      const soon = await bot.scheduled.create({ channelId: general, text: 'Agenda for today', sendAt: Date.now() + 200, files: [file.id] });
      expect(soon.files).toMatchObject([{ id: file.id, name: 'agenda.txt' }]);
      const posted = await eventually(async () => (await bot.search.messages({ text: 'agenda today' })).content[0]);
      expect(posted).toMatchObject({ author: app.botUserId, files: [expect.objectContaining({ id: file.id })] });
    });
  });
}
