import type { ChannelInfo, Message } from '@switchboard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';

// biome-ignore lint/suspicious/noExplicitAny: frames are checked field by field
type Frame = { type: string; data: any };
type Match = (frame: Frame) => boolean;

/** A real WebSocket client that records every frame and lets a test wait for one. */
class Listener {
  private readonly frames: Frame[] = [];
  private cursor = 0;
  private wake: (() => void) | undefined;

  private readonly closeCode: Promise<number>;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      this.frames.push(JSON.parse(String(raw)) as Frame);
      this.wake?.();
    });
    this.closeCode = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  }

  /** The close code, or a failure when the server keeps the socket open. */
  closed(timeoutMs = 2000): Promise<number> {
    return Promise.race([this.closeCode, new Promise<number>((_, reject) => setTimeout(() => reject(new Error('the socket stayed open')), timeoutMs).unref())]);
  }

  /** Frames after the previous `until`, up to and including the first that matches. */
  async until(match: Match, timeoutMs = 5000): Promise<Frame[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex((frame, i) => i >= this.cursor && match(frame));
      if (index >= 0) {
        const seen = this.frames.slice(this.cursor, index + 1);
        this.cursor = index + 1;
        return seen;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame; got ${JSON.stringify(this.frames.slice(this.cursor).map((f) => f.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** The first matching frame after the previous `until`. */
  async next(match: Match): Promise<Frame> {
    const seen = await this.until(match);
    return seen[seen.length - 1];
  }
}

const wsUrl = (url: string) => `${url.replace(/^http/, 'ws')}/v1/realtime`;

async function connect(url: string, headers: Record<string, string>): Promise<Listener> {
  const socket = new WebSocket(wsUrl(url), { headers });
  const listener = new Listener(socket);
  await listener.until((f) => f.type === 'hello');
  return listener;
}

/** Attempts an upgrade that should be refused; resolves with the HTTP answer. */
function refusedUpgrade(url: string, headers: Record<string, string>): Promise<{ status: number; body: { code: string; message: string } }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl(url), { headers });
    socket.on('open', () => reject(new Error('the upgrade was accepted')));
    socket.on('error', () => {});
    socket.on('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
  });
}

const created =
  (text: string): Match =>
  (f) =>
    f.type === 'message.created' && f.data.message.text === text;

for (const dialect of await dialects()) {
  describe(`realtime (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let bob: Session;
    let aliceWs: Listener;
    let bobWs: Listener;
    let general: string;
    let seq = 0;

    beforeAll(async () => {
      t = await startPlatform({ dialect });
      alice = await login(t.url, 'alice@example.com');
      bob = await login(t.url, 'bob@example.com');
      aliceWs = await connect(t.url, { authtoken: alice.token });
      bobWs = await connect(t.url, { authtoken: bob.token });
      const list = await call<ChannelInfo[]>(t.url, alice.token, 'GET', '/v1/channels');
      general = list.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
    });
    afterAll(async () => {
      for (const l of [aliceWs, bobWs]) l?.socket.close();
      await t?.stop();
    });

    const post = async (who: Session, channelId: string, body: Record<string, unknown>) => {
      const res = await call<Message>(t.url, who.token, 'POST', `/v1/channels/${channelId}/messages`, body);
      expect(res.status).toBe(201);
      return res.body;
    };
    /** A public message whose arrival proves every earlier frame has been delivered. */
    const sentinel = async () => {
      seq += 1;
      const text = `sentinel ${seq}`;
      await post(alice, general, { text });
      return created(text);
    };

    it('refuses upgrades without valid credentials and plain GETs', async () => {
      expect(await refusedUpgrade(t.url, {})).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
      expect(await refusedUpgrade(t.url, { authtoken: 'garbage' })).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
      expect(await refusedUpgrade(t.url, { cookie: 'sb_session=sbs_forged' })).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
      const plain = await fetch(wsUrl(t.url).replace(/^ws/, 'http'), { headers: { authtoken: alice.token } });
      expect(plain.status).toBe(400);
      expect(await plain.json()).toMatchObject({ code: 'invalid_request', message: expect.any(String) });
    });

    it('greets by session cookie too', async () => {
      const socket = new WebSocket(wsUrl(t.url), { headers: { cookie: bob.cookie } });
      const listener = new Listener(socket);
      const hello = await listener.next((f) => f.type === 'hello');
      expect(hello.data).toEqual({ workspaceId: bob.workspaceId, userId: bob.workspaceUserId });
      socket.close();
    });

    it('pushes a #general message to both people', async () => {
      const message = await post(alice, general, { text: 'hello everyone' });
      for (const ws of [aliceWs, bobWs]) {
        const frame = await ws.next(created('hello everyone'));
        expect(frame.data).toEqual({ message, channelType: 'PUBLIC' });
      }
    });

    it('keeps a private channel’s messages to its members', async () => {
      const secret = (await call<ChannelInfo>(t.url, alice.token, 'POST', '/v1/channels', { name: 'hush', type: 'PRIVATE' })).body.channel.id;
      const message = await post(alice, secret, { text: 'for alice only' });
      const done = await sentinel();
      const bobSaw = await bobWs.until(done);
      expect(bobSaw.filter((f) => JSON.stringify(f).includes(secret))).toEqual([]);
      const aliceSaw = await aliceWs.until(done);
      expect(aliceSaw.map((f) => f.type)).toEqual(['channel.created', 'message.created', 'message.created']);
      expect(aliceSaw[1].data).toEqual({ message, channelType: 'PRIVATE' });
    });

    it('delivers an ephemeral message only to its recipient', async () => {
      const sent = await post(alice, general, { text: 'psst bob', ephemeral: { sendToUsers: [bob.workspaceUserId] } });
      const done = await sentinel();
      const bobSaw = await bobWs.until(done);
      expect(bobSaw.map((f) => f.type)).toEqual(['message.ephemeral', 'message.created']);
      expect(bobSaw[0].data.message).toEqual(sent);
      expect((await aliceWs.until(done)).map((f) => f.type)).toEqual(['message.created']);
    });

    it('pushes reactions, edits and deletes in order', async () => {
      const message = await post(alice, general, { text: 'watch me change' });
      const react = (method: string) => call(t.url, bob.token, method, `/v1/messages/${message.id}/reactions`, { code: ':eyes:' });
      expect((await react('POST')).status).toBe(204);
      expect((await react('POST')).status).toBe(204); // idempotent: no second event
      expect((await react('DELETE')).status).toBe(204);
      await call(t.url, alice.token, 'PUT', `/v1/channels/${general}/messages/${message.id}`, { text: 'changed' });
      await call(t.url, alice.token, 'DELETE', `/v1/channels/${general}/messages/${message.id}`);
      for (const ws of [aliceWs, bobWs]) {
        const seen = await ws.until((f) => f.type === 'message.deleted' && f.data.messageId === message.id);
        expect(seen.map((f) => f.type)).toEqual(['message.created', 'reaction.added', 'reaction.removed', 'message.updated', 'message.deleted']);
        const reaction = { messageId: message.id, channelId: general, messageAuthorId: alice.workspaceUserId, userId: bob.workspaceUserId, code: ':eyes:' };
        expect(seen[1].data).toEqual(reaction);
        expect(seen[2].data).toEqual(reaction);
        expect(seen[3].data.message).toMatchObject({ id: message.id, text: 'changed', edited: true });
        expect(seen[4].data).toMatchObject({ messageId: message.id, channelId: general, threadRootId: null });
      }
    });

    it('delivers frames in the order the changes were made', async () => {
      // An ephemeral frame needs no membership lookup; it must still wait for the message before it.
      const texts: string[] = [];
      for (let i = 0; i < 15; i++) {
        texts.push(`burst ${i}`, `aside ${i}`);
        await post(alice, general, { text: `burst ${i}` });
        await post(alice, general, { text: `aside ${i}`, ephemeral: { sendToUsers: [bob.workspaceUserId] } });
      }
      const seen = await bobWs.until((f) => f.type === 'message.ephemeral' && f.data.message.text === 'aside 14');
      expect(seen.map((f) => f.data.message.text)).toEqual(texts);
    });

    it('can close the sockets of one ended session or of every session of a person', async () => {
      const added = await call<{ id: string }>(t.url, alice.token, 'POST', '/v1/workspaceUsers', {
        email: 'dave@example.com',
        name: 'Dave',
        password: 'dave-password',
      });
      const [laptop, phone] = [await login(t.url, 'dave@example.com', 'dave-password'), await login(t.url, 'dave@example.com', 'dave-password')];
      const ended: unknown[] = [];
      t.platform.services.sessions.onEnded((e) => ended.push(e));
      const [laptopWs, phoneWs] = [await connect(t.url, { authtoken: laptop.token }), await connect(t.url, { authtoken: phone.token })];
      await fetch(`${t.url}/v1/auth/logout`, { method: 'POST', headers: { authtoken: laptop.token } });
      await call(t.url, alice.token, 'PATCH', `/v1/workspaceUsers/${added.body.id}`, { status: 'DEACTIVATED' });
      const sid = (s: Session) => JSON.parse(Buffer.from(s.token.split('.')[1], 'base64url').toString()).sid;
      expect(ended).toEqual([{ sessionId: sid(laptop) }, { userId: added.body.id }]);

      // Logout closed the laptop only; deactivation then closed every socket of the person.
      expect(await laptopWs.closed()).toBe(4401);
      expect(await phoneWs.closed()).toBe(4401);
      expect(bobWs.socket.readyState).toBe(WebSocket.OPEN);
    });

    it('closes a socket when its session ends', async () => {
      const again = await login(t.url, 'bob@example.com');
      const ws = await connect(t.url, { authtoken: again.token });
      await fetch(`${t.url}/v1/auth/logout`, { method: 'POST', headers: { authtoken: again.token } });
      expect(await ws.closed(1000)).toBe(4401);
    });

    it('tells a removed member, and only members see a private channel appear', async () => {
      const room = (
        await call<ChannelInfo>(t.url, alice.token, 'POST', '/v1/channels', { name: 'inner-circle', type: 'PRIVATE', userIds: [bob.workspaceUserId] })
      ).body.channel.id;
      expect((await bobWs.next((f) => f.type === 'channel.created')).data.channel.id).toBe(room);
      await call(t.url, alice.token, 'DELETE', `/v1/channels/${room}/users/${bob.workspaceUserId}`);
      const left = await bobWs.next((f) => f.type === 'channel.member_left');
      expect(left.data).toEqual({ channelId: room, userId: bob.workspaceUserId, removedBy: alice.workspaceUserId });
      await post(alice, room, { text: 'after bob left' });
      const done = await sentinel();
      expect((await bobWs.until(done)).filter((f) => JSON.stringify(f).includes(room))).toEqual([]);
      await aliceWs.until(done);
    });
  });
}
