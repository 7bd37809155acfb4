import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PlatformApp, platformWithApp, postHook, relayCall, startTestRelay, TestConsumer, type TestRelay, until, watsonHeaders } from './relay-kit.js';

const SECRET = 'consumer-secret-42';

describe('relay: handing events out (WebSocket and REST drain)', () => {
  let p: PlatformApp;
  let r: TestRelay;
  let token: string;
  let appId: string;
  const open: TestConsumer[] = [];
  let n = 0;

  const connect = async (options: { autoPong?: boolean } = {}) => {
    const consumer = new TestConsumer(r.url, appId, token, options);
    open.push(consumer);
    await consumer.open();
    return consumer;
  };
  const send = async (count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      n += 1;
      const body = JSON.stringify({ type: 'message-created', n });
      const response = await postHook(r.url, appId, watsonHeaders(SECRET, body), body);
      expect(response.status).toBe(201);
      ids.push(((await response.json()) as { id: string }).id);
    }
    return ids;
  };
  const queued = async () =>
    (await relayCall<{ events: { id: string }[] }>(r.url, token, 'GET', `/webhooks/${appId}/events?state=queued&limit=1000`)).body.events.map((e) => e.id);

  beforeAll(async () => {
    p = await platformWithApp();
    appId = p.app.id;
    token = await p.token();
    r = await startTestRelay({ platformUrl: p.t.url, ackTimeoutMs: 400, pingIntervalMs: 150, pollIntervalMs: 50, maxInFlight: 5 });
    await relayCall(r.url, token, 'PUT', `/webhooks/${appId}`, { secret: SECRET });
  });
  afterEach(async () => {
    for (const consumer of open.splice(0)) await consumer.close();
    // Leave an empty queue for the next test.
    const left = await queued();
    if (left.length > 0) await relayCall(r.url, token, 'GET', `/webhooks/${appId}`);
  });
  afterAll(async () => {
    await r?.stop();
    await p?.t.stop();
  });

  it('sends stored events on connect, then new ones, in order; an acked event leaves the queue; unknown and duplicate acks are ignored', async () => {
    const before = await send(3);
    const consumer = await connect();
    await consumer.waitFor(() => consumer.events().length === 3, 'the stored events');
    expect(consumer.events().map((e) => e.id)).toEqual(before);
    expect(consumer.events()[0]).toMatchObject({ type: 'event', data: { type: 'message-created' } });
    const after = await send(2);
    await consumer.waitFor(() => consumer.events().length === 5, 'the new events');
    expect(consumer.events().map((e) => e.id)).toEqual([...before, ...after]);
    for (const id of [...before, ...after]) consumer.ack(id);
    consumer.ack(before[0]);
    consumer.ack('evt_unknown');
    await until(async () => (await queued()).length === 0, 'the acks');
    expect(consumer.frames.filter((f) => f.type === 'error')).toEqual([]);
  });

  it('keeps at most maxInFlight unacked frames per connection and sends more as acks come', async () => {
    const ids = await send(8);
    const consumer = await connect();
    await consumer.waitFor(() => consumer.events().length === 5, 'a full window');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(consumer.events()).toHaveLength(5);
    consumer.ack(ids[0]);
    consumer.ack(ids[1]);
    await consumer.waitFor(() => consumer.events().length === 7, 'two more');
    expect(consumer.events().map((e) => e.id)).toEqual(ids.slice(0, 7));
    for (const id of ids) consumer.ack(id);
  });

  it('re-sends an unacked event after the ack timeout, and after a reconnect', async () => {
    const [id] = await send(1);
    const first = await connect();
    await first.waitFor(() => first.events().length === 1, 'the event');
    await first.waitFor(() => first.events().length === 2, 'the re-send after the ack timeout', 3_000);
    expect(first.events().map((e) => e.id)).toEqual([id, id]);
    await first.close();
    const second = await connect();
    await second.waitFor(() => second.events().length === 1, 'the re-send after reconnect');
    expect(second.events()[0].id).toBe(id);
    second.ack(id);
    await until(async () => (await queued()).length === 0, 'the ack');
  });

  it('drops a consumer that stops answering pings and offers its events to another', async () => {
    const silent = await connect({ autoPong: false });
    const [id] = await send(1);
    await silent.waitFor(() => silent.events().length === 1, 'the event');
    await silent.waitFor(() => silent.closeCode !== undefined, 'the drop', 3_000);
    const other = await connect();
    await other.waitFor(() => other.events().some((e) => e.id === id), 'the re-offered event');
    other.ack(id);
  });

  it('shares one app’s stream between two consumers, each event with one of them at a time', async () => {
    const a = await connect();
    const b = await connect();
    const ids = await send(8);
    await until(() => a.events().length + b.events().length === 8, 'all events handed out');
    const seen = [...a.events(), ...b.events()].map((e) => e.id);
    expect(new Set(seen).size).toBe(8);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(a.events().length).toBeGreaterThan(0);
    expect(b.events().length).toBeGreaterThan(0);
    for (const e of a.events()) a.ack(e.id as string);
    for (const e of b.events()) b.ack(e.id as string);
    await until(async () => (await queued()).length === 0, 'the acks');
  });

  it('answers garbage, binary, malformed, out-of-order and oversized frames with an error frame and keeps the connection', async () => {
    const consumer = await connect();
    consumer.send('not json');
    consumer.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    consumer.send({ type: 'event_ack' });
    consumer.send({ type: 'trigger_reply', id: 'trg_nope', status: 200, body: {} });
    consumer.send({ type: 'trigger_reply', id: 'trg_big', status: 200, body: { pad: 'x'.repeat(300 * 1024) } });
    await consumer.waitFor(() => consumer.frames.filter((f) => f.type === 'error').length === 5, 'five error frames');
    expect(consumer.frames.map((f) => f.code)).toEqual(['invalid_json', 'invalid_frame', 'invalid_frame', 'unknown_trigger', 'frame_too_large']);
    const [id] = await send(1);
    await consumer.waitFor(() => consumer.events().some((e) => e.id === id), 'an event after the garbage');
    consumer.ack(id);
  });

  it('seed drain: every stored event oldest first as {id: event}, then gone', async () => {
    const ids = await send(3);
    const drained = await relayCall<Record<string, { n: number }>>(r.url, token, 'GET', `/webhooks/${appId}`);
    expect(drained.status).toBe(200);
    expect(Object.keys(drained.body)).toEqual(ids);
    expect(Object.values(drained.body)[0]).toMatchObject({ type: 'message-created' });
    expect((await relayCall(r.url, token, 'GET', `/webhooks/${appId}`)).body).toEqual({});
  });

  it('safe drain: nothing removed until the next call acks; a lost response loses nothing', async () => {
    const ids = await send(5);
    const page = await relayCall<{ events: { id: string; data: unknown; raw: string }[]; next: string }>(r.url, token, 'GET', `/webhooks/${appId}?limit=3`);
    expect(page.body.events.map((e) => e.id)).toEqual(ids.slice(0, 3));
    expect(page.body.next).toBe(ids[2]);
    expect(typeof page.body.events[0].raw).toBe('string');
    // The response is "lost": the client asks again with its previous ack (none) and gets the same page.
    const retried = await relayCall<{ events: { id: string }[]; next: string }>(r.url, token, 'GET', `/webhooks/${appId}?limit=3`);
    expect(retried.body.events.map((e) => e.id)).toEqual(ids.slice(0, 3));
    // A WebSocket consumer meanwhile gets only what the drain does not hold.
    const consumer = await connect();
    await consumer.waitFor(() => consumer.events().length === 2, 'the two events the drain does not hold');
    expect(consumer.events().map((e) => e.id)).toEqual(ids.slice(3));
    await consumer.close();
    const next = await relayCall<{ events: { id: string }[]; next: string | null }>(r.url, token, 'GET', `/webhooks/${appId}?limit=10&ack=${page.body.next}`);
    expect(next.body.events.map((e) => e.id)).toEqual(ids.slice(3));
    const last = await relayCall<{ events: unknown[]; next: string | null }>(r.url, token, 'GET', `/webhooks/${appId}?limit=10&ack=${next.body.next}`);
    expect(last.body).toEqual({ events: [], next: null });
    expect(await queued()).toEqual([]);
    expect((await relayCall(r.url, token, 'GET', `/webhooks/${appId}?ack=x`)).status).toBe(400);
    expect((await relayCall(r.url, token, 'GET', `/webhooks/${appId}?limit=0`)).status).toBe(400);
  });

  it('lists acked events for replay and queues one again', async () => {
    const since = Date.now() - 1;
    const [id] = await send(1);
    await relayCall(r.url, token, 'GET', `/webhooks/${appId}`);
    const listed = await relayCall<{ events: { id: string; state: string; data: unknown }[] }>(r.url, token, 'GET', `/webhooks/${appId}/events?since=${since}`);
    expect(listed.body.events).toEqual([expect.objectContaining({ id, state: 'acked', data: expect.objectContaining({ type: 'message-created' }) })]);
    const consumer = await connect();
    const replayed = await relayCall(r.url, token, 'POST', `/webhooks/${appId}/events/${id}/replay`);
    expect(replayed).toEqual({ status: 202, body: { id, state: 'queued' } });
    await consumer.waitFor(() => consumer.events().some((e) => e.id === id), 'the replayed event');
    expect((await relayCall(r.url, token, 'POST', `/webhooks/${appId}/events/${id}/replay`)).status).toBe(409);
    consumer.ack(id);
    expect((await relayCall(r.url, token, 'POST', `/webhooks/${appId}/events/evt_nope/replay`)).status).toBe(404);
  });

  it('refuses a WebSocket without a token, and serves /healthz, /readyz and /metrics', async () => {
    const anonymous = new TestConsumer(r.url, appId, undefined);
    await expect(anonymous.open()).rejects.toThrow(/401/);
    expect((await fetch(`${r.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${r.url}/readyz`)).json()).toEqual({ status: 'ready' });
    const metrics = await (await fetch(`${r.url}/metrics`)).text();
    expect(metrics).toMatch(/relay_events_stored_total \d+/);
    expect(metrics).toMatch(/relay_events_resent_total [1-9]/);
    expect(metrics).toMatch(/relay_queue_depth \d+/);
  });
});
