import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RegisteredApp } from '../apps/oauth-dance.js';
import { call, dialects, login, type Session, startPlatform, type TestPlatform } from '../harness.js';
import { connectionUrl, installSocketApp, RawSocketApp, until } from './socket-app.js';

const post = (t: TestPlatform, who: Session, channel: string, text: string) =>
  call<{ outcome?: string; id?: string }>(t.url, who.token, 'POST', `/v1/channels/${channel}/messages`, { text });

for (const dialect of await dialects()) {
  describe(`socket mode with a raw ws app (${dialect})`, () => {
    let t: TestPlatform;
    let alice: Session;
    let bob: Session;
    let app: RegisteredApp;
    let general: string;
    const open: RawSocketApp[] = [];
    const connect = async (options: { acks?: boolean; onFrame?: RawSocketApp['onFrame'] } = {}) => {
      const client = await RawSocketApp.connect(t.url, app, options);
      open.push(client);
      return client;
    };
    const closeAll = async () => {
      for (const c of open.splice(0)) c.close();
      await until(() => t.platform.services.socketHub.connectionCount(app.id) === 0, 'connections to close');
    };

    beforeAll(async () => {
      t = await startPlatform({ dialect });
      alice = await login(t.url, 'alice@example.com');
      bob = await login(t.url, 'bob@example.com');
      ({ app, general } = await installSocketApp(t.url, alice));
    });
    afterAll(async () => {
      for (const c of open) c.close();
      await t?.stop();
    });

    it('hands out single-use tickets only for the right appKey', async () => {
      const wrong = await fetch(`${t.url}/apps/${app.id}/websocket-connection?appKey=nope`);
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as { code: string }).code).toBe('invalid_token');
      expect((await fetch(`${t.url}/apps/${app.id}/websocket-connection`)).status).toBe(401);
      expect((await fetch(`${t.url}/apps/no-such-app/websocket-connection?appKey=${app.appKey}`)).status).toBe(404);

      const url = await connectionUrl(t.url, app);
      expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/apps\/socket\?ticket=/);
      const statusOf = (u: string) =>
        new Promise<number>((resolve) => {
          const ws = new WebSocket(u);
          ws.once('open', () => {
            ws.close();
            resolve(101);
          });
          ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
          ws.once('error', () => resolve(-1));
        });
      expect(await statusOf(url)).toBe(101);
      expect(await statusOf(url)).toBe(401);
      expect(await statusOf(url.replace(/ticket=.*/, 'ticket=forged'))).toBe(401);
      await closeAll();
    });

    it('round-trips a slash command: ack with message, nack, no reply → offline, not connected → offline', async () => {
      expect((await post(t, alice, general, '/sockbot hi')).body.outcome).toBe('offline');
      const client = await connect();
      client.onFrame = (frame) =>
        frame.payload.messageType !== 'SLASH_COMMAND'
          ? undefined
          : frame.payload.text === 'bad'
            ? { status: 400, message: 'bad input' }
            : frame.payload.text === 'silent'
              ? undefined
              : { status: 200, message: `you said ${frame.payload.text}` };
      expect((await post(t, alice, general, '/sockbot hello there')).body.outcome).toBe('acked');
      const command = client.frames.find((f) => f.payload.messageType === 'SLASH_COMMAND');
      expect(command?.payload).toMatchObject({ slashCommand: '/sockbot', text: 'hello there', userId: alice.workspaceUserId, channelId: general });
      expect((await post(t, alice, general, '/sockbot bad')).body.outcome).toBe('nacked');
      const started = Date.now();
      expect((await post(t, alice, general, '/sockbot silent')).body.outcome).toBe('offline');
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
      expect(Date.now() - started).toBeLessThan(4_000);
      await closeAll();
    }, 15_000);

    it('answers ping with pong; rejects malformed and unknown replies with error frames; closes on oversized frames', async () => {
      const client = await connect();
      const other = await connect();
      client.ws.send('ping');
      await until(() => client.texts.includes('pong'), 'pong');
      client.ws.send(Buffer.from('{not json'), { binary: true });
      client.ws.send(Buffer.from(JSON.stringify({ correlation_id: 'nobody', status: 200 })), { binary: true });
      client.ws.send(Buffer.from(JSON.stringify({ correlation_id: 'x', status: 'ok' })), { binary: true });
      client.ws.send(Buffer.from([0xff, 0xfe, 0xfd]), { binary: true });
      await until(() => client.texts.filter((x) => x.includes('"error"')).length === 4, 'four error frames');
      const codes = client.texts.filter((x) => x.includes('"error"')).map((x) => (JSON.parse(x) as { error: { code: string } }).error.code);
      expect(codes).toEqual(['invalid_frame', 'unknown_correlation_id', 'invalid_frame', 'invalid_frame']);
      client.ws.send(Buffer.alloc(1024 * 1024 + 10, 0x20), { binary: true });
      await until(() => client.closeCode !== undefined, 'oversized frame to close the connection');
      expect(client.closeCode).toBe(1009);
      // The other connection and the node are unaffected.
      other.ws.send('ping');
      await until(() => other.texts.includes('pong'), 'pong on the other connection');
      expect((await fetch(`${t.url}/health/live`)).status).toBeLessThan(500);
      await closeAll();
    });

    it('shares triggers and channels among two connections, each event once, each channel on one connection in order', async () => {
      const a = await connect();
      const b = await connect();
      for (const c of [a, b]) c.onFrame = (f) => (f.payload.messageType === 'SLASH_COMMAND' ? { status: 200 } : undefined);
      for (let i = 0; i < 6; i += 1) expect((await post(t, alice, general, `/sockbot n${i}`)).body.outcome).toBe('acked');
      const commands = (c: RawSocketApp) => c.frames.filter((f) => f.payload.messageType === 'SLASH_COMMAND').length;
      expect(commands(a)).toBe(3);
      expect(commands(b)).toBe(3);
      // Events of a channel are pipelined on the one connection that channel is pinned to, so they
      // arrive in order (new pins go round-robin over the connections).
      const other = (await call<{ channel: { id: string } }>(t.url, alice.token, 'POST', '/v1/channels', { name: 'socket-share' })).body.channel.id;
      for (let i = 0; i < 10; i += 1) {
        await post(t, alice, general, `general ${i}`);
        await post(t, alice, other, `other ${i}`);
      }
      await until(() => a.messageTexts().length + b.messageTexts().length >= 20, 'twenty events');
      const general10 = Array.from({ length: 10 }, (_, i) => `general ${i}`);
      const other10 = Array.from({ length: 10 }, (_, i) => `other ${i}`);
      const [withGeneral, withOther] = a.messageTexts().includes('general 0') ? [a, b] : [b, a];
      expect(withGeneral.messageTexts().filter((x) => x.startsWith('general'))).toEqual(general10);
      expect(withOther.messageTexts().filter((x) => x.startsWith('other'))).toEqual(other10);
      expect(a.messageTexts().length + b.messageTexts().length).toBe(20);
      await closeAll();
    });

    it('delivers events in order, and events produced while disconnected as soon as the app connects', async () => {
      const live = await connect({ acks: true });
      live.onFrame = () => ({ status: 200 });
      for (let i = 0; i < 20; i += 1) await post(t, bob, general, `live ${i}`);
      await until(() => live.messageTexts().length >= 20, 'twenty live events');
      expect(live.messageTexts()).toEqual(Array.from({ length: 20 }, (_, i) => `live ${i}`));
      await closeAll();

      for (let i = 0; i < 8; i += 1) await post(t, bob, general, `offline ${i}`);
      await new Promise((r) => setTimeout(r, 600));
      const late = await connect({ acks: true, onFrame: () => ({ status: 200 }) });
      await until(() => late.messageTexts().length >= 8, 'the backlog');
      expect(late.messageTexts()).toEqual(Array.from({ length: 8 }, (_, i) => `offline ${i}`));
      await closeAll();
    }, 20_000);

    it('loses nothing when the connection dies mid-stream; only unacked events come again', async () => {
      const first = await connect({ acks: true });
      const acked: string[] = [];
      const textOf = (f: { payload: { body?: string } }) => (JSON.parse(String(f.payload.body)) as { tx: string }).tx;
      first.onFrame = (f) => {
        if (f.payload.eventType !== 'NEW_MESSAGE') return undefined;
        if (acked.length >= 5) {
          first.ws.terminate();
          return undefined;
        }
        acked.push(textOf(f));
        return { status: 200 };
      };
      const total = 25;
      for (let i = 0; i < total; i += 1) await post(t, bob, general, `stream ${i}`);
      await until(() => first.closeCode !== undefined, 'the kill');
      await until(() => t.platform.services.socketHub.connectionCount(app.id) === 0, 'the hub to notice');
      open.splice(0);
      await connect({
        acks: true,
        onFrame: (f) => {
          if (f.payload.eventType === 'NEW_MESSAGE') acked.push(textOf(f));
          return { status: 200 };
        },
      });
      const expected = Array.from({ length: total }, (_, i) => `stream ${i}`);
      await until(() => expected.every((x) => acked.includes(x)), 'every event acked', 15_000);
      // Acked ones never come again, and order holds within the channel.
      expect(new Set(acked).size).toBe(acked.length);
      expect(acked).toEqual(expected);
      await closeAll();
    }, 30_000);
  });
}
