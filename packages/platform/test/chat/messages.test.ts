import type { ChannelInfo, Message, MessagePage } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';

interface ErrorBody {
  code: string;
  message: string;
}

for (const dialect of await dialects()) {
  describe(`messages (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let bob: Session;
    let carol: Session;
    let general: string;
    let seq = 0;

    beforeAll(async () => {
      t = await startPlatform({ dialect });
      alice = await login(t.url, 'alice@example.com');
      bob = await login(t.url, 'bob@example.com');
      await call(t.url, alice.token, 'POST', '/v1/workspaceUsers', { email: 'carol@example.com', name: 'Carol', password: 'carol-password' });
      carol = await login(t.url, 'carol@example.com', 'carol-password');
      const list = await call<ChannelInfo[]>(t.url, alice.token, 'GET', '/v1/channels');
      general = list.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
    });
    afterAll(async () => t?.stop());

    const api = <T = Message>(who: Session, method: string, path: string, body?: unknown) => call<T>(t.url, who.token, method, path, body);
    const post = async (who: Session, channelId: string, body: unknown, rootId?: string) => {
      const res = await api(who, 'POST', `/v1/channels/${channelId}/messages${rootId ? `/${rootId}` : ''}`, body);
      expect(res.status).toBe(201);
      return res.body;
    };
    const page = (who: Session, channelId: string, query = '') => api<MessagePage>(who, 'GET', `/v1/channels/${channelId}/messages${query}`);
    const room = async (type: 'PUBLIC' | 'PRIVATE' = 'PUBLIC', members: Session[] = []) => {
      seq += 1;
      const res = await api<ChannelInfo>(alice, 'POST', '/v1/channels', { name: `room-${seq}`, type, userIds: members.map((m) => m.workspaceUserId) });
      return res.body.channel.id;
    };
    const row = (id: string) => t.platform.services.store.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
    const expectError = (res: { status: number; body: unknown }, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect((res.body as ErrorBody).code).toBe(code);
      expect(typeof (res.body as ErrorBody).message).toBe('string');
    };

    it('posts a message, stores it and reads it back', async () => {
      const blocks = [{ type: 'section', text: 'rich' }];
      const message = await post(alice, general, { text: 'hello *world*', blocks });
      expect(message).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        workspaceId: alice.workspaceId,
        channelId: general,
        author: alice.workspaceUserId,
        text: 'hello *world*',
        blocks,
        timestamp: new Date(message.timestampMilli).toISOString(),
        timestampMilli: expect.any(Number),
      });
      expect(Math.abs(message.timestampMilli - Date.now())).toBeLessThan(10_000);
      expect(await row(message.id)).toMatchObject({
        author_id: alice.workspaceUserId,
        text: 'hello *world*',
        blocks: JSON.stringify(blocks),
        deleted_at: null,
      });
      expect((await api(bob, 'GET', `/v1/channels/${general}/messages/${message.id}`)).body).toEqual(message);
      expectError(await api(bob, 'GET', `/v1/channels/${general}/messages/000000000000000000000000`), 404, 'not_found');
      // A real message addressed through another channel is not found there.
      expectError(await api(alice, 'GET', `/v1/channels/${await room()}/messages/${message.id}`), 404, 'not_found');
    });

    it('rejects empty and malformed messages', async () => {
      for (const body of [{}, { text: '' }, { text: '  \n ' }, { blocks: [] }, { text: 42 }, { text: 'x'.repeat(40_001) }, { text: 'x', blocks: 'no' }]) {
        expectError(await api(alice, 'POST', `/v1/channels/${general}/messages`, body), 400, 'validation_failed');
      }
      expectError(
        await api(alice, 'POST', `/v1/channels/${general}/messages`, { text: '', ephemeral: { sendToUsers: [bob.workspaceUserId] } }),
        400,
        'validation_failed',
      );
    });

    it('refuses posts from non-members of a public channel', async () => {
      const open = await room();
      expectError(await api(bob, 'POST', `/v1/channels/${open}/messages`, { text: 'hi' }), 403, 'not_in_channel');
      expect((await page(bob, open)).body.messages).toEqual([]);
    });

    it('lets only the author edit', async () => {
      const message = await post(bob, general, { text: 'draft' });
      expectError(await api(alice, 'PUT', `/v1/channels/${general}/messages/${message.id}`, { text: 'hijacked' }), 403, 'forbidden');
      expectError(await api(bob, 'PUT', `/v1/channels/${general}/messages/${message.id}`, {}), 400, 'validation_failed');
      expectError(await api(bob, 'PUT', `/v1/channels/${general}/messages/${message.id}`, { text: ' ' }), 400, 'validation_failed');
      const edited = await api(bob, 'PUT', `/v1/channels/${general}/messages/${message.id}`, { text: 'final' });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ id: message.id, text: 'final', edited: true, timestampMilli: message.timestampMilli });
      expect((await row(message.id))?.edited_at).toEqual(expect.any(Number));
      expect((await api(alice, 'GET', `/v1/channels/${general}/messages/${message.id}`)).body).toEqual(edited.body);
    });

    it('lets the author or an admin delete; deleted messages vanish', async () => {
      const mine = await post(bob, general, { text: 'oops' });
      const other = await post(bob, general, { text: 'moderate me' });
      expectError(await api(carol, 'DELETE', `/v1/channels/${general}/messages/${mine.id}`), 403, 'forbidden');
      expect((await api(bob, 'DELETE', `/v1/channels/${general}/messages/${mine.id}`)).status).toBe(204);
      expect((await api(alice, 'DELETE', `/v1/channels/${general}/messages/${other.id}`)).status).toBe(204);
      for (const id of [mine.id, other.id]) {
        expectError(await api(bob, 'GET', `/v1/channels/${general}/messages/${id}`), 404, 'not_found');
        expect((await row(id))?.deleted_at).toEqual(expect.any(Number));
        expect((await row(id))?.text).toBe('');
      }
      const ids = (await page(bob, general, '?limit=200')).body.messages.map((m) => m.id);
      expect(ids).not.toContain(mine.id);
      expect(ids).not.toContain(other.id);
      expectError(await api(bob, 'DELETE', `/v1/channels/${general}/messages/${mine.id}`), 404, 'not_found');
      expectError(await api(bob, 'PUT', `/v1/channels/${general}/messages/${mine.id}`, { text: 'back' }), 404, 'not_found');
    });

    it('keeps thread replies out of history and counts them on the root', async () => {
      const open = await room('PUBLIC', [bob]);
      const root = await post(alice, open, { text: 'root' });
      const r1 = await post(bob, open, { text: 'reply 1' }, root.id);
      const r2 = await post(alice, open, { text: 'reply 2' }, root.id);
      expect(r1.threadReplyInfo).toEqual({ rootId: root.id });
      const fresh = (await api(bob, 'GET', `/v1/channels/${open}/messages/${root.id}`)).body;
      expect(fresh.threadRootInfo).toEqual({
        repliesCount: 2,
        lastReplyTimestamp: new Date(r2.timestampMilli).toISOString(),
        lastReplyTimestampMilli: r2.timestampMilli,
      });

      const history = (await page(bob, open)).body;
      expect(history.messages.map((m) => m.id)).toEqual([root.id]);
      expect(history.messages[0].threadRootInfo?.repliesCount).toBe(2);
      // Pumble's fetchThreadReplies reads a bare array.
      const replies = (await api<Message[]>(bob, 'GET', `/v1/channels/${open}/messages/${root.id}/replies`)).body;
      expect(replies).toEqual([r1, r2]);

      expectError(await api(bob, 'POST', `/v1/channels/${open}/messages/${r1.id}`, { text: 'nested' }), 404, 'not_found');
      expectError(await api(bob, 'POST', `/v1/channels/${open}/messages/000000000000000000000000`, { text: 'x' }), 404, 'not_found');
      expectError(await api(bob, 'POST', `/v1/channels/${general}/messages/${root.id}`, { text: 'wrong channel' }), 404, 'not_found');
      expect((await row(root.id))?.reply_count).toBe(2);

      // Deleting a reply takes it out of the thread and out of the count.
      await api(alice, 'DELETE', `/v1/channels/${open}/messages/${r2.id}`);
      expect((await api(bob, 'GET', `/v1/channels/${open}/messages/${root.id}`)).body.threadRootInfo).toEqual({
        repliesCount: 1,
        lastReplyTimestamp: new Date(r1.timestampMilli).toISOString(),
        lastReplyTimestampMilli: r1.timestampMilli,
      });
      expect((await api<Message[]>(bob, 'GET', `/v1/channels/${open}/messages/${root.id}/replies`)).body.map((m) => m.id)).toEqual([r1.id]);
    });

    it('pages through 25 messages both ways without gaps or duplicates', async () => {
      const open = await room();
      const posted: string[] = [];
      for (let i = 1; i <= 25; i++) posted.push((await post(alice, open, { text: `m${i}` })).id);
      const walk = async (strategy: 'BEFORE' | 'AFTER') => {
        const pages: MessagePage[] = [];
        let cursor = '';
        for (;;) {
          const res = await page(alice, open, `?limit=10&strategy=${strategy}${cursor ? `&cursor=${cursor}` : ''}`);
          expect(res.status).toBe(200);
          pages.push(res.body);
          const more = strategy === 'BEFORE' ? res.body.hasMoreBefore : res.body.hasMoreAfter;
          if (!more) return pages;
          const ids = res.body.messages.map((m) => m.id);
          cursor = strategy === 'BEFORE' ? ids[0] : ids[ids.length - 1];
          expect(pages.length).toBeLessThan(5);
        }
      };
      const texts = (p: MessagePage) => p.messages.map((m) => m.text);

      const back = await walk('BEFORE');
      expect(back.map(texts)).toEqual([posted.slice(15), posted.slice(5, 15), posted.slice(0, 5)].map((ids) => ids.map((id) => `m${posted.indexOf(id) + 1}`)));
      expect(back.map((p) => [p.hasMoreBefore, p.hasMoreAfter])).toEqual([
        [true, false],
        [true, true],
        [false, true],
      ]);
      expect(back.flatMap((p) => p.messages.map((m) => m.id)).sort()).toEqual(posted);

      const forward = await walk('AFTER');
      expect(forward.map((p) => p.messages.map((m) => m.id))).toEqual([posted.slice(0, 10), posted.slice(10, 20), posted.slice(20)]);
      expect(forward.map((p) => [p.hasMoreBefore, p.hasMoreAfter])).toEqual([
        [false, true],
        [true, true],
        [true, false],
      ]);

      // A page that ends exactly at the oldest message says there is nothing before it.
      const exact = (await page(alice, open, `?limit=5&strategy=BEFORE&cursor=${posted[5]}`)).body;
      expect(exact.messages.map((m) => m.id)).toEqual(posted.slice(0, 5));
      expect([exact.hasMoreBefore, exact.hasMoreAfter]).toEqual([false, true]);
      const all = (await page(alice, open, '?limit=25')).body;
      expect([all.messages.length, all.hasMoreBefore, all.hasMoreAfter]).toEqual([25, false, false]);
    });

    it('rejects bad cursors and page parameters', async () => {
      expectError(await page(alice, general, '?cursor=not-a-message-id'), 400, 'invalid_cursor');
      expectError(await page(alice, general, '?cursor=ZZZZZZZZZZZZZZZZZZZZZZZZ'), 400, 'invalid_cursor');
      for (const query of ['?limit=0', '?limit=201', '?limit=ten', '?limit=1.5', '?strategy=SIDEWAYS', `?cursor=${'a'.repeat(65)}`]) {
        expectError(await page(alice, general, query), 400, 'validation_failed');
      }
    });

    it('adds and removes reactions idempotently', async () => {
      const message = await post(alice, general, { text: 'react to me' });
      const react = (who: Session, method: 'POST' | 'DELETE', code: string, id = message.id) => api(who, method, `/v1/messages/${id}/reactions`, { code });
      expect((await react(bob, 'POST', ':thumbsup:')).status).toBe(204);
      expect((await react(bob, 'POST', ':thumbsup:')).status).toBe(204);
      expect((await react(alice, 'POST', ':thumbsup:')).status).toBe(204);
      expect((await react(bob, 'POST', ':tada:')).status).toBe(204);
      const got = (await api(carol, 'GET', `/v1/channels/${general}/messages/${message.id}`)).body;
      expect(got.reactions).toEqual([
        { user: bob.workspaceUserId, code: ':thumbsup:' },
        { user: alice.workspaceUserId, code: ':thumbsup:' },
        { user: bob.workspaceUserId, code: ':tada:' },
      ]);
      const stored = await t.platform.services.store.db.selectFrom('reactions').select(['user_id', 'code']).where('message_id', '=', message.id).execute();
      expect(stored).toHaveLength(3);

      expect((await react(bob, 'DELETE', ':thumbsup:')).status).toBe(204);
      expect((await react(bob, 'DELETE', ':thumbsup:')).status).toBe(204);
      const history = (await page(carol, general, '?limit=200')).body.messages.find((m) => m.id === message.id);
      expect(history?.reactions).toEqual([
        { user: alice.workspaceUserId, code: ':thumbsup:' },
        { user: bob.workspaceUserId, code: ':tada:' },
      ]);

      for (const code of ['thumbsup', ':Thumbs Up:', '::', `:${'a'.repeat(65)}:`]) expectError(await react(bob, 'POST', code), 400, 'validation_failed');
      expectError(await api(bob, 'POST', `/v1/messages/${message.id}/reactions`, {}), 400, 'validation_failed');
      expectError(await react(bob, 'POST', ':x:', '000000000000000000000000'), 404, 'not_found');
      const secret = await post(alice, await room('PRIVATE'), { text: 'private' });
      expectError(await react(bob, 'POST', ':eyes:', secret.id), 404, 'not_found');
    });

    it('sends ephemeral messages live only, never into history', async () => {
      const ephemeral = await post(alice, general, { text: 'only bob sees this', ephemeral: { sendToUsers: [bob.workspaceUserId] } });
      expect(ephemeral).toMatchObject({ ephemeral: true, text: 'only bob sees this', channelId: general, author: alice.workspaceUserId });
      expect(await row(ephemeral.id)).toBeUndefined();
      for (const who of [alice, bob]) {
        expect((await page(who, general, '?limit=200')).body.messages.map((m) => m.id)).not.toContain(ephemeral.id);
        expectError(await api(who, 'GET', `/v1/channels/${general}/messages/${ephemeral.id}`), 404, 'not_found');
      }
      const root = await post(alice, general, { text: 'thread' });
      const inThread = await post(alice, general, { text: 'psst', ephemeral: { sendToUsers: [bob.workspaceUserId] } }, root.id);
      expect(inThread.threadReplyInfo).toEqual({ rootId: root.id });
      expect((await row(root.id))?.reply_count).toBe(0);
      const ghost = { text: 'x', ephemeral: { sendToUsers: [bob.workspaceUserId] } };
      expectError(await api(alice, 'POST', `/v1/channels/${general}/messages/000000000000000000000000`, ghost), 404, 'not_found');
      const secret = await room('PRIVATE');
      expectError(
        await api(alice, 'POST', `/v1/channels/${secret}/messages`, { text: 'x', ephemeral: { sendToUsers: [bob.workspaceUserId] } }),
        400,
        'validation_failed',
      );
    });
  });
}
