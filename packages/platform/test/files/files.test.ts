import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChannelInfo, CompleteFileUpload, Message, MessageFile, PumbleFile } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { listenRealtime } from '../realtime-client.js';
import { botHeaders, callWith, type InstalledApp, installApp } from './app-install.js';

const LIMIT = 64 * 1024;

for (const dialect of await dialects()) {
  describe(`files (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let bob: Session;
    let general: string;
    let bot: InstalledApp;
    let blind: InstalledApp;

    beforeAll(async () => {
      t = await startPlatform({ dialect, config: { fileSizeLimit: LIMIT } });
      alice = await login(t.url, 'alice@example.com');
      bob = await login(t.url, 'bob@example.com');
      const list = await call<ChannelInfo[]>(t.url, alice.token, 'GET', '/v1/channels');
      general = list.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
      bot = await installApp(t, alice, 'file_bot', ['messages:read', 'messages:write', 'files:write'], ['messages:read'], [general]);
      blind = await installApp(t, alice, 'blind_bot', ['messages:write', 'files:write'], ['messages:write'], [general]);
    });
    afterAll(async () => t?.stop());

    const person = (who: Session) => ({ authtoken: who.token });

    /** The Pumble SDK's three steps: token, multipart upload with the token as `authtoken`, complete. */
    async function upload(headers: Record<string, string>, name: string, bytes: Buffer, mimeType: string): Promise<PumbleFile> {
      const token = await callWith<{ token: string }>(t.url, headers, 'POST', '/v1/files/upload/token', { filename: name, length: bytes.length });
      expect(token.status).toBe(200);
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bytes)], { type: mimeType }), name);
      const uploaded = await fetch(`${t.url}/upload/files`, { method: 'POST', headers: { authtoken: token.body.token }, body: form });
      expect(uploaded.status).toBe(200);
      const answer = (await uploaded.json()) as CompleteFileUpload;
      expect(answer.original).toMatchObject({ mimeType, size: bytes.length, requestedFileUploadId: expect.any(String) });
      const completed = await callWith<PumbleFile>(t.url, headers, 'POST', '/v1/files/upload/complete', answer);
      expect(completed.status).toBe(200);
      expect(completed.body).toEqual({ id: answer.original.requestedFileUploadId, name, path: expect.stringContaining(`/v1/files/${completed.body.id}/`) });
      return completed.body;
    }

    const postWith = (headers: Record<string, string>, channelId: string, files: string[], text = 'see attached') =>
      callWith<Message>(t.url, headers, 'POST', `/v1/channels/${channelId}/messages`, { text, files });
    const download = (path: string, headers: Record<string, string>) => fetch(path, { headers });

    it('uploads, attaches to a message and serves the bytes to a member as a sandboxed attachment', async () => {
      const bytes = Buffer.from('quarterly numbers\n1,2,3\n');
      const file = await upload(person(alice), 'report 2025 ✓.csv', bytes, 'text/csv');
      const posted = await postWith(person(alice), general, [file.id]);
      expect(posted.status).toBe(201);
      const files = posted.body.files as MessageFile[];
      expect(files).toEqual([
        {
          id: file.id,
          owner: alice.workspaceUserId,
          name: 'report 2025 ✓.csv',
          mimeType: 'text/csv',
          path: `${t.url}/v1/files/${file.id}/${encodeURIComponent('report 2025 ✓.csv')}`,
          uploadedAtMilli: expect.any(Number),
          size: bytes.length,
        },
      ]);
      // Stored on the message, read back the same.
      const read = await call<Message>(t.url, bob.token, 'GET', `/v1/channels/${general}/messages/${posted.body.id}`);
      expect(read.body.files).toEqual(files);
      const res = await download(files[0].path, person(bob));
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
      expect(res.headers.get('content-disposition')).toBe(
        `attachment; filename="report 2025 _.csv"; filename*=UTF-8''${encodeURIComponent('report 2025 ✓.csv')}`,
      );
      expect(res.headers.get('content-security-policy')).toBe('sandbox');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-type')).toBe('text/csv');
      if (dialect === 'sqlite') expect(readdirSync(join(t.config.dataDir, 'files'))).toContain(file.id);
    });

    it('serves an HTML file so that it cannot run script on our origin', async () => {
      const file = await upload(person(alice), 'page.html', Buffer.from('<script>fetch("/v1/users/me")</script>'), 'text/html');
      const posted = await postWith(person(alice), general, [file.id]);
      const res = await download((posted.body.files as MessageFile[])[0].path, person(bob));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
      expect(res.headers.get('content-security-policy')).toBe('sandbox');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('refuses the file of a private channel to a non-member, and of a deleted message to everyone but its uploader', async () => {
      const room = await call<ChannelInfo>(t.url, alice.token, 'POST', '/v1/channels', { name: `secret-${dialect}`, type: 'PRIVATE' });
      const file = await upload(person(alice), 'plans.txt', Buffer.from('top secret'), 'text/plain');
      const posted = await postWith(person(alice), room.body.channel.id, [file.id]);
      const path = (posted.body.files as MessageFile[])[0].path;
      const refused = await download(path, person(bob));
      expect(refused.status).toBe(404);
      expect(await refused.json()).toMatchObject({ code: 'not_found', message: expect.any(String) });
      expect((await download(path, person(alice))).status).toBe(200);

      const open = await upload(person(alice), 'later.txt', Buffer.from('soon gone'), 'text/plain');
      const gone = await postWith(person(alice), general, [open.id]);
      const openPath = (gone.body.files as MessageFile[])[0].path;
      expect((await download(openPath, person(bob))).status).toBe(200);
      expect((await call(t.url, alice.token, 'DELETE', `/v1/channels/${general}/messages/${gone.body.id}`)).status).toBe(204);
      expect((await download(openPath, person(bob))).status).toBe(404);
    });

    it('lets an app upload and attach with its bot token and download with its token; without messages:read it is refused', async () => {
      const file = await upload(botHeaders(bot), 'bot.bin', Buffer.from([0, 1, 2, 3, 255]), 'application/octet-stream');
      const posted = await postWith(botHeaders(bot), general, [file.id], '');
      expect(posted.status).toBe(201);
      expect(posted.body.author).toBe(bot.botUserId);
      const path = (posted.body.files as MessageFile[])[0].path;
      const fetched = await download(path, botHeaders(bot));
      expect(fetched.status).toBe(200);
      expect([...Buffer.from(await fetched.arrayBuffer())]).toEqual([0, 1, 2, 3, 255]);
      expect((await download(path, person(bob))).status).toBe(200);
      const noScope = await download(path, botHeaders(blind));
      expect(noScope.status).toBe(403);
      expect(await noScope.json()).toMatchObject({ code: 'missing_scope' });
      // Without files:write an app gets no upload token.
      const noUpload = await callWith(t.url, { token: bot.userToken, 'x-app-token': bot.appKey }, 'POST', '/v1/files/upload/token', {
        filename: 'x',
        length: 1,
      });
      expect(noUpload.status).toBe(403);
      expect(noUpload.body).toMatchObject({ code: 'missing_scope' });
    });

    it('refuses files past the size limit with 413, at the token and at the upload', async () => {
      const big = await callWith(t.url, person(alice), 'POST', '/v1/files/upload/token', { filename: 'big.bin', length: LIMIT + 1 });
      expect(big.status).toBe(413);
      expect(big.body).toMatchObject({ code: 'payload_too_large', message: expect.any(String) });
      // A token asked for a small file does not let a large one through.
      const token = await callWith<{ token: string }>(t.url, person(alice), 'POST', '/v1/files/upload/token', { filename: 'sneaky.bin', length: 10 });
      const form = new FormData();
      form.append('file', new Blob([Buffer.alloc(LIMIT + 10, 1)]), 'sneaky.bin');
      const res = await fetch(`${t.url}/upload/files`, { method: 'POST', headers: { authtoken: token.body.token }, body: form });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ code: 'payload_too_large', message: expect.any(String) });
      const left = await t.platform.services.store.db
        .withTables<{ files: { id: string; name: string } }>()
        .selectFrom('files')
        .select('id')
        .where('name', '=', 'sneaky.bin')
        .execute();
      expect(left).toEqual([]);
    });

    it('uses a token once, attaches a file once and only its uploader’s files', async () => {
      const token = await callWith<{ token: string }>(t.url, person(alice), 'POST', '/v1/files/upload/token', { filename: 'once.txt', length: 3 });
      const send = () => {
        const form = new FormData();
        form.append('file', new Blob([Buffer.from('abc')], { type: 'text/plain' }), 'once.txt');
        return fetch(`${t.url}/upload/files`, { method: 'POST', headers: { authtoken: token.body.token }, body: form });
      };
      const first = await send();
      expect(first.status).toBe(200);
      const again = await send();
      expect(again.status).toBe(409);
      expect(await again.json()).toMatchObject({ code: 'conflict' });
      const forged = await fetch(`${t.url}/upload/files`, {
        method: 'POST',
        headers: { authtoken: `${token.body.token.slice(0, -2)}xx` },
        body: new FormData(),
      });
      expect(forged.status).toBe(401);

      const answer = (await first.json()) as CompleteFileUpload;
      // Bob cannot complete (nor learn about) alice's upload.
      expect((await callWith(t.url, person(bob), 'POST', '/v1/files/upload/complete', answer)).status).toBe(404);
      const uncompleted = await postWith(person(alice), general, [answer.original.requestedFileUploadId]);
      expect(uncompleted.status).toBe(400);
      const done = await callWith<PumbleFile>(t.url, person(alice), 'POST', '/v1/files/upload/complete', answer);
      const stolen = await postWith(person(bob), general, [done.body.id]);
      expect(stolen.status).toBe(400);
      expect(stolen.body).toMatchObject({ code: 'validation_failed' });
      expect((await postWith(person(alice), general, [done.body.id])).status).toBe(201);
      const twice = await postWith(person(alice), general, [done.body.id]);
      expect(twice.status).toBe(400);
      // The refused posts left no message behind.
      const history = await call<{ messages: Message[] }>(t.url, alice.token, 'GET', `/v1/channels/${general}/messages?limit=50`);
      expect(history.body.messages.filter((m) => m.files?.some((f) => (f as MessageFile).id === done.body.id))).toHaveLength(1);
    });

    it('removes uploads never completed within a day, bytes included, and keeps completed ones', async () => {
      const token = await callWith<{ token: string }>(t.url, person(alice), 'POST', '/v1/files/upload/token', { filename: 'abandoned.txt', length: 4 });
      const form = new FormData();
      form.append('file', new Blob([Buffer.from('left')], { type: 'text/plain' }), 'abandoned.txt');
      const res = await fetch(`${t.url}/upload/files`, { method: 'POST', headers: { authtoken: token.body.token }, body: form });
      const { original } = (await res.json()) as CompleteFileUpload;
      const kept = await upload(person(alice), 'kept.txt', Buffer.from('kept'), 'text/plain');
      const files = t.platform.services.store.db.withTables<{ files: { id: string; created_at: number } }>();
      await files
        .updateTable('files')
        .set({ created_at: Date.now() - 25 * 3_600_000 })
        .where('id', 'in', [original.requestedFileUploadId, kept.id])
        .execute();
      expect(await t.platform.services.files.sweep()).toBe(1);
      const left = await files.selectFrom('files').select('id').where('id', 'in', [original.requestedFileUploadId, kept.id]).execute();
      expect(left).toEqual([{ id: kept.id }]);
      if (dialect === 'sqlite') expect(readdirSync(join(t.config.dataDir, 'files'))).not.toContain(original.requestedFileUploadId);
      expect((await download(original.path, person(alice))).status).toBe(404);
    });

    it('hands the resolved files to realtime and to subscribed apps, in the same commit as the post', async () => {
      const listener = await installApp(t, alice, `listener_${dialect}`, ['messages:read'], [], [general], ['NEW_MESSAGE']);
      const live = await listenRealtime(t.url, bob.token);
      try {
        const file = await upload(person(alice), 'event.txt', Buffer.from('evented'), 'text/plain');
        const posted = await postWith(person(alice), general, [file.id], 'with an event');
        const frame = await live.next((f) => f.type === 'message.created' && f.data.message?.text === 'with an event');
        expect((frame.data.message as { files?: unknown }).files).toEqual(posted.body.files);
        const outbox = await t.platform.services.store.db
          .selectFrom('event_outbox')
          .select('payload')
          .where('app_id', '=', listener.appId)
          .where('event_type', '=', 'NEW_MESSAGE')
          .execute();
        const bodies = outbox.map((row) => JSON.parse((JSON.parse(row.payload) as { body: string }).body) as { mId: string; f: MessageFile[] });
        expect(bodies.find((body) => body.mId === posted.body.id)?.f).toEqual(posted.body.files);
      } finally {
        live.close();
      }
    });
  });
}
