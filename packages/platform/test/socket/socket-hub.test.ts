import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { SocketHub } from '../../src/socket/index.js';
import { until } from './socket-app.js';

/** The hub on a bare `ws` server (real sockets), for limits too slow or too large to drive through chat. */
async function serve(hub: SocketHub, acksEvents: boolean): Promise<{ client: WebSocket; frames: { correlation_id: string }[]; close: () => Promise<void> }> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: 1024 * 1024 });
  server.on('connection', (socket) => hub.add('A1', socket, acksEvents));
  await new Promise((r) => server.once('listening', r));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const frames: { correlation_id: string }[] = [];
  client.on('message', (data) => {
    if (data.toString().startsWith('{"correlation_id"')) frames.push(JSON.parse(data.toString()) as { correlation_id: string });
  });
  await new Promise((r) => client.once('open', r));
  await until(() => hub.connectionCount('A1') === 1, 'the hub to take the connection');
  return {
    client,
    frames,
    close: async () => {
      client.terminate();
      hub.closeAll();
      await new Promise((r) => server.close(r));
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('SocketHub limits', () => {
  it('keeps at most maxUnacked frames in flight per connection; an ack lets the next one go', async () => {
    const hub = new SocketHub({ maxUnacked: 100 });
    const s = await serve(hub, true);
    cleanups.push(s.close);
    const results = Array.from({ length: 150 }, (_, i) => hub.request('A1', { n: i }, { event: true, timeoutMs: 10_000, correlationId: `c${i}` }));
    await until(() => s.frames.length === 100, '100 frames');
    await new Promise((r) => setTimeout(r, 100));
    expect(s.frames.length).toBe(100);
    s.client.send(Buffer.from(JSON.stringify({ correlation_id: 'c0', status: 200 })), { binary: true });
    await until(() => s.frames.length === 101, 'the 101st frame after one ack');
    expect(await results[0]).toMatchObject({ kind: 'answered', reply: { status: 200 } });
    for (const f of s.frames.slice(1)) s.client.send(Buffer.from(JSON.stringify({ correlation_id: f.correlation_id, status: 200 })), { binary: true });
    await until(() => s.frames.length === 150, 'the rest');
    for (const f of s.frames.slice(101)) s.client.send(Buffer.from(JSON.stringify({ correlation_id: f.correlation_id, status: 200 })), { binary: true });
    expect((await Promise.all(results)).every((r) => r.kind === 'answered')).toBe(true);
  });

  it('on a connection that does not ack events, a frame is done once written, so a burst flows through the limit', async () => {
    const hub = new SocketHub({ maxUnacked: 10 });
    const s = await serve(hub, false);
    cleanups.push(s.close);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => hub.request('A1', { n: i }, { event: true, timeoutMs: 5_000 })));
    expect(results.every((r) => r.kind === 'answered')).toBe(true);
    await until(() => s.frames.length === 200, 'all 200 frames');
  });

  it('closes connections silent for longer than the idle timeout; an unanswered event is unreachable, not lost', async () => {
    const hub = new SocketHub({ idleTimeoutMs: 200 });
    const s = await serve(hub, true);
    cleanups.push(s.close);
    const closed = new Promise<number>((r) => s.client.once('close', (code) => r(code)));
    const pending = hub.request('A1', { n: 1 }, { event: true, timeoutMs: 1_500 });
    expect(await closed).toBe(4008);
    expect(hub.connectionCount('A1')).toBe(0);
    expect(await pending).toMatchObject({ kind: 'unreachable' });
  });

  it('keeps a pinging connection open past the idle timeout; tickets are single-use', async () => {
    const hub = new SocketHub({ idleTimeoutMs: 200 });
    const s = await serve(hub, false);
    cleanups.push(s.close);
    const pongs: string[] = [];
    s.client.on('message', (d) => pongs.push(d.toString()));
    for (let i = 0; i < 6; i += 1) {
      s.client.send('ping');
      await new Promise((r) => setTimeout(r, 80));
    }
    expect(hub.connectionCount('A1')).toBe(1);
    expect(pongs.filter((p) => p === 'pong').length).toBe(6);
    const ticket = hub.issueTicket('A1');
    expect(hub.consumeTicket(ticket)).toBe('A1');
    expect(hub.consumeTicket(ticket)).toBeUndefined();
  });
});

describe('SocketHub affinity', () => {
  it('keeps frames of one key on one connection, waiting there for room while another has it, and moves them in order when it dies', async () => {
    const hub = new SocketHub({ maxUnacked: 2 });
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    server.on('connection', (socket) => hub.add('A1', socket, true));
    await new Promise((r) => server.once('listening', r));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const clients = [new WebSocket(url), new WebSocket(url)];
    const frames = clients.map(() => [] as string[]);
    for (const [index, client] of clients.entries()) {
      client.on('message', (data) => frames[index].push((JSON.parse(data.toString()) as { correlation_id: string }).correlation_id));
    }
    for (const client of clients) await new Promise((r) => client.once('open', r));
    await until(() => hub.connectionCount('A1') === 2, 'two connections');
    cleanups.push(async () => {
      for (const client of clients) client.terminate();
      hub.closeAll();
      await new Promise((r) => server.close(r));
    });
    const ack = (index: number, id: string) => clients[index].send(Buffer.from(JSON.stringify({ correlation_id: id, status: 200 })), { binary: true });

    const pinned = Array.from({ length: 5 }, (_, i) =>
      hub.request('A1', { n: i }, { event: true, timeoutMs: 10_000, correlationId: `k${i}`, affinity: 'lane' }),
    );
    await until(() => frames[0].length + frames[1].length === 2, 'the first two frames');
    const home = frames[0].length === 2 ? 0 : 1;
    const away = 1 - home;
    // The other connection has room: a frame without affinity goes there, the pinned ones wait.
    const free = hub.request('A1', { n: 'free' }, { event: true, timeoutMs: 10_000, correlationId: 'free' });
    await until(() => frames[away].includes('free'), 'the free frame on the other connection');
    ack(away, 'free');
    expect(await free).toMatchObject({ kind: 'answered' });
    expect(frames[home]).toEqual(['k0', 'k1']);
    ack(home, 'k0');
    await until(() => frames[home].length === 3, 'k2 after an ack');
    expect(frames[home]).toEqual(['k0', 'k1', 'k2']);
    // The pinned connection dies with k1 and k2 unanswered: they and the rest go on, in order, on the other one.
    clients[home].terminate();
    await until(() => frames[away].filter((id) => id.startsWith('k')).length === 2, 'k1 and k2 moved');
    for (const id of ['k1', 'k2']) ack(away, id);
    await until(() => frames[away].filter((id) => id.startsWith('k')).length === 4, 'k3 and k4');
    for (const id of ['k3', 'k4']) ack(away, id);
    expect((await Promise.all(pinned)).every((r) => r.kind === 'answered')).toBe(true);
    expect(frames[away].filter((id) => id.startsWith('k'))).toEqual(['k1', 'k2', 'k3', 'k4']);
  });
});
