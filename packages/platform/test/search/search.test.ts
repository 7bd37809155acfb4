import type { ChannelInfo, Message, PageMessageSearchResult } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botHeaders, callWith, type InstalledApp, installApp } from '../files/app-install.js';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';

for (const dialect of await dialects()) {
  describe(`message search (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let bob: Session;
    let general: string;
    let secret: string;
    let quiet: string;
    let bot: InstalledApp;
    const posted: Record<string, Message> = {};

    const api = <T>(who: Session, method: string, path: string, body?: unknown) => call<T>(t.url, who.token, method, path, body);
    const post = async (who: Session, channelId: string, text: string, extra: Record<string, unknown> = {}) => {
      const res = await api<Message>(who, 'POST', `/v1/channels/${channelId}/messages`, { text, ...extra });
      expect(res.status).toBe(201);
      return res.body;
    };
    const search = async (who: Session, body: Record<string, unknown>) => {
      const res = await api<PageMessageSearchResult>(who, 'POST', '/v1/messages/search', body);
      expect(res.status).toBe(200);
      return res.body;
    };
    const texts = (page: PageMessageSearchResult) => page.content.map((m) => m.text);

    beforeAll(async () => {
      t = await startPlatform({ dialect });
      alice = await login(t.url, 'alice@example.com');
      bob = await login(t.url, 'bob@example.com');
      const list = await call<ChannelInfo[]>(t.url, alice.token, 'GET', '/v1/channels');
      general = list.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
      secret = (await api<ChannelInfo>(alice, 'POST', '/v1/channels', { name: 'launch-secrets', type: 'PRIVATE' })).body.channel.id;
      quiet = (await api<ChannelInfo>(alice, 'POST', '/v1/channels', { name: 'quiet-corner', type: 'PUBLIC' })).body.channel.id;
      bot = await installApp(t, alice, 'search_bot', ['messages:read', 'messages:write', 'channels:list'], ['messages:read'], [general]);
      posted.deploy = await post(alice, general, 'Deploying the rocket to production tonight');
      posted.science = await post(bob, general, 'Rocket science is hard, said Bob');
      posted.secret = await post(alice, secret, 'The rocket launch code is 1234');
      posted.quiet = await post(alice, quiet, 'A quiet rocket nobody joined for');
      posted.reacted = await post(bob, general, 'Lunch options: pizza or ramen', { attachments: [{ title: 'menu' }] });
      await api(alice, 'POST', `/v1/messages/${posted.reacted.id}/reactions`, { code: ':pizza:' });
      await api(bob, 'POST', `/v1/messages/${posted.reacted.id}/reactions`, { code: ':ramen:' });
      const botPost = await callWith<Message>(t.url, botHeaders(bot), 'POST', `/v1/channels/${general}/messages`, { text: 'Automated rocket status: green' });
      expect(botPost.status).toBe(201);
      posted.bot = botPost.body;
    });
    afterAll(async () => t?.stop());

    it('finds words by prefix, ranks and pages, in the Pumble shape', async () => {
      const page = await search(alice, { text: 'rock' });
      expect(texts(page).sort()).toEqual([posted.deploy.text, posted.science.text, posted.secret.text, posted.quiet.text, posted.bot.text].sort());
      expect(page.totalElements).toBe(5);
      expect(page.hasMore).toBe(false);
      const hit = page.content.find((m) => m.id === posted.deploy.id);
      expect(hit).toMatchObject({
        id: posted.deploy.id,
        workspaceId: alice.workspaceId,
        channelId: general,
        author: alice.workspaceUserId,
        timestampMilli: posted.deploy.timestampMilli,
      });
      const both = await search(alice, { text: 'rocket production' });
      expect(texts(both)).toEqual([posted.deploy.text]);
      // Pumble's highlights: the text as rich text, the words the terms begin in bold.
      expect(both.content[0].highlightedBlocks).toEqual([
        {
          type: 'rich_text',
          elements: [
            {
              type: 'rich_text_section',
              elements: [
                { type: 'text', text: 'Deploying the ' },
                { type: 'text', text: 'rocket', style: { bold: true } },
                { type: 'text', text: ' to ' },
                { type: 'text', text: 'production', style: { bold: true } },
                { type: 'text', text: ' tonight' },
              ],
            },
          ],
        },
      ]);
      const first = await search(alice, { text: 'rocket', strategy: 'OLDEST', limit: 2 });
      expect(texts(first)).toEqual([posted.deploy.text, posted.science.text]);
      expect(first).toMatchObject({ totalElements: 5, hasMore: true });
      const next = await search(alice, { text: 'rocket', strategy: 'OLDEST', limit: 2, skip: 2 });
      expect(texts(next)).toEqual([posted.secret.text, posted.quiet.text]);
      const newest = await search(alice, { text: 'rocket', strategy: 'NEWEST', limit: 1 });
      expect(texts(newest)).toEqual([posted.bot.text]);
    });

    it('never shows a private channel’s messages to a non-member', async () => {
      const page = await search(bob, { text: 'rocket' });
      expect(texts(page)).not.toContain(posted.secret.text);
      expect(page.totalElements).toBe(4);
      expect(texts(await search(bob, { text: 'launch code' }))).toEqual([]);
      expect(texts(await search(bob, { in: [secret] }))).toEqual([]);
      expect(texts(await search(alice, { text: 'launch code' }))).toEqual([posted.secret.text]);
      // Public channels one has not joined count unless asked for one's own channels only.
      expect(texts(await search(bob, { text: 'quiet rocket' }))).toEqual([posted.quiet.text]);
      expect(texts(await search(bob, { text: 'quiet rocket', fromMyChannelsOnly: true }))).toEqual([]);
    });

    it('filters by author, channel, time, humans, reactions and attachments', async () => {
      expect(texts(await search(alice, { text: 'rocket', from: [bob.workspaceUserId] }))).toEqual([posted.science.text]);
      expect(texts(await search(alice, { text: 'rocket', in: [quiet] }))).toEqual([posted.quiet.text]);
      expect(texts(await search(alice, { text: 'rocket', fromHumanOnly: true })).sort()).not.toContain(posted.bot.text);
      expect(texts(await search(alice, { text: 'rocket', afterTs: posted.quiet.timestampMilli - 1, strategy: 'OLDEST' }))).toEqual([
        posted.quiet.text,
        posted.bot.text,
      ]);
      expect(texts(await search(alice, { text: 'rocket', beforeTs: posted.science.timestampMilli }))).toEqual([posted.deploy.text]);
      expect(texts(await search(alice, { minReactionCount: 2 }))).toEqual([posted.reacted.text]);
      expect(texts(await search(alice, { minAttachmentCount: 1 }))).toEqual([posted.reacted.text]);
      const today = new Date().toISOString().slice(0, 10);
      expect((await search(alice, { text: 'rocket', before: today })).totalElements).toBe(0);
      expect((await search(alice, { text: 'rocket', after: '2000-01-01' })).totalElements).toBe(5);
    });

    it('follows edits and deletes without any extra call', async () => {
      const message = await post(alice, general, 'Remember the zeppelin meeting');
      expect(texts(await search(bob, { text: 'zeppelin' }))).toEqual([message.text]);
      await api(alice, 'PUT', `/v1/channels/${general}/messages/${message.id}`, { text: 'Remember the blimp meeting' });
      expect(texts(await search(bob, { text: 'zeppelin' }))).toEqual([]);
      expect(texts(await search(bob, { text: 'blimp' }))).toEqual(['Remember the blimp meeting']);
      await api(alice, 'DELETE', `/v1/channels/${general}/messages/${message.id}`);
      expect(texts(await search(bob, { text: 'blimp' }))).toEqual([]);
    });

    it('treats FTS syntax as plain words and refuses bad requests', async () => {
      expect(texts(await search(alice, { text: '"rocket" science*)(' }))).toEqual([posted.science.text]);
      expect(texts(await search(alice, { text: 'rocket NEAR science' }))).toEqual([]);
      expect(await search(alice, { text: '*** ::: "' })).toEqual({ content: [], totalElements: 0, hasMore: false });
      const tooMany = await api(alice, 'POST', '/v1/messages/search', { text: 'rocket', limit: 21 });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body).toMatchObject({ code: 'validation_failed', message: expect.any(String) });
      expect((await api(alice, 'POST', '/v1/messages/search', { strategy: 'RANDOM' })).status).toBe(400);
    });

    it('answers an app by its token’s scopes and its user’s channels', async () => {
      const asBot = await callWith<PageMessageSearchResult>(t.url, botHeaders(bot), 'POST', '/v1/messages/search', { text: 'rocket' });
      expect(asBot.status).toBe(200);
      expect(asBot.body.content.map((m) => m.id)).not.toContain(posted.secret.id);
      const asUser = await callWith(t.url, { token: bot.userToken, 'x-app-token': bot.appKey }, 'POST', '/v1/messages/search', { text: 'rocket' });
      expect(asUser.status).toBe(403);
      expect(asUser.body).toMatchObject({ code: 'missing_scope', needed: 'channels:list' });
      const writer = await installApp(t, alice, 'writer_bot', ['messages:write', 'channels:list'], []);
      const noRead = await callWith(t.url, botHeaders(writer), 'POST', '/v1/messages/search', { text: 'rocket' });
      expect(noRead.status).toBe(403);
      expect(noRead.body).toMatchObject({ code: 'missing_scope', needed: 'messages:read' });
    });

    it('finds thread replies and files, and keeps direct messages to their two people', async () => {
      const root = await post(alice, general, 'Thread about the gondola');
      const reply = await api<Message>(bob, 'POST', `/v1/channels/${general}/messages/${root.id}`, { text: 'Gondola reply here' });
      expect(reply.status).toBe(201);
      expect(texts(await search(alice, { text: 'gondola', strategy: 'OLDEST' }))).toEqual([root.text, 'Gondola reply here']);

      const token = await api<{ token: string }>(alice, 'POST', '/v1/files/upload/token', { filename: 'g.txt', length: 1 });
      const form = new FormData();
      form.append('file', new Blob(['g'], { type: 'text/plain' }), 'g.txt');
      const uploaded = await (await fetch(`${t.url}/upload/files`, { method: 'POST', headers: { authtoken: token.body.token }, body: form })).json();
      const file = await api<{ id: string }>(alice, 'POST', '/v1/files/upload/complete', uploaded);
      const withFile = await post(alice, general, 'Gondola photo', { files: [file.body.id] });
      expect(texts(await search(alice, { text: 'gondola', minFileCount: 1 }))).toEqual([withFile.text]);

      const carol = await api(alice, 'POST', '/v1/workspaceUsers', { email: `carol-${dialect}@example.com`, name: 'Carol', password: 'carol-password' });
      expect(carol.status).toBeLessThan(300);
      const direct = await api<ChannelInfo>(alice, 'POST', '/v1/channels/direct', { participantIds: [bob.workspaceUserId] });
      await post(alice, direct.body.channel.id, 'Private gondola gossip');
      expect(texts(await search(bob, { text: 'gossip' }))).toEqual(['Private gondola gossip']);
      const outsider = await login(t.url, `carol-${dialect}@example.com`, 'carol-password');
      expect(texts(await search(outsider, { text: 'gossip' }))).toEqual([]);
      expect(texts(await search(outsider, { text: 'gondola' })).sort()).toEqual([root.text, 'Gondola reply here', withFile.text].sort());
    });
  });
}
