import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPostgres } from '../../platform/test/harness.js';
import { dropRelaySchema } from '../src/index.js';
import { postHook, pumbleHeaders, relayCall, startTestRelay, TestConsumer, type TestRelay, until, watsonHeaders } from './relay-kit.js';

const POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const SECRET = 'pg-secret';
const available = await hasPostgres();

describe.skipIf(!available)('relay on PostgreSQL: two nodes share one queue', () => {
  const schema = `relay_t_${process.pid}_${Date.now().toString(36)}`;
  let a: TestRelay;
  let b: TestRelay;
  const appId = 'pg-app';
  const consumers: TestConsumer[] = [];

  beforeAll(async () => {
    // A slow poll: only the LISTEN/NOTIFY wake-up can make the cross-node hand-out quick.
    // One key for both nodes: a registration sealed by one is opened by the other.
    const common = {
      databaseUrl: POSTGRES_URL,
      pgSchema: schema,
      allowUnauthenticated: true,
      pollIntervalMs: 10_000,
      ackTimeoutMs: 5_000,
      secretKey: Buffer.alloc(32, 7).toString('base64'),
    };
    [a, b] = await Promise.all([startTestRelay({ ...common, nodeId: 'node-a' }), startTestRelay({ ...common, nodeId: 'node-b' })]);
    expect((await relayCall(a.url, undefined, 'PUT', `/webhooks/${appId}`, { secret: SECRET })).status).toBe(201);
    const row = await a.relay.store.db.selectFrom('relay_apps').select('secrets').where('app_id', '=', appId).executeTakeFirstOrThrow();
    expect(row.secrets.startsWith('v1.') && !row.secrets.includes(SECRET)).toBe(true);
  });
  afterAll(async () => {
    for (const consumer of consumers) await consumer.close();
    await a?.stop();
    await b?.stop();
    await dropRelaySchema(POSTGRES_URL, schema);
  });

  const ingest = async (url: string, n: number) => {
    const body = JSON.stringify({ type: 'message-created', n });
    const response = await postHook(url, appId, watsonHeaders(SECRET, body), body);
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };

  it('hands an event ingested on node A to a consumer on node B at once (NOTIFY wake-up)', async () => {
    const onB = new TestConsumer(b.url, appId, undefined);
    consumers.push(onB);
    await onB.open();
    const started = Date.now();
    const id = await ingest(a.url, 1);
    await onB.waitFor(() => onB.events().some((e) => e.id === id), 'the cross-node event', 3_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    onB.ack(id);
    await until(async () => (await a.relay.events.queueStats()).length === 0, 'the ack, seen from node A');
  });

  it('shares the stream between consumers on both nodes, each event to one of them', async () => {
    const onA = new TestConsumer(a.url, appId, undefined);
    const onB = consumers[0];
    consumers.push(onA);
    await onA.open();
    onB.frames.length = 0;
    const ids: string[] = [];
    for (let n = 0; n < 20; n += 1) ids.push(await ingest(n % 2 === 0 ? a.url : b.url, n));
    await until(() => onA.events().length + onB.events().length >= 20, 'all 20 handed out');
    const handed = [...onA.events(), ...onB.events()].map((e) => e.id as string);
    expect(handed).toHaveLength(20);
    expect(new Set(handed)).toEqual(new Set(ids));
    for (const e of onA.events()) onA.ack(e.id as string);
    for (const e of onB.events()) onB.ack(e.id as string);
    await until(async () => (await b.relay.events.queueStats()).length === 0, 'every ack');
  });

  it('drains (both forms) and replays on PostgreSQL', async () => {
    for (const consumer of consumers.splice(0)) await consumer.close();
    const ids = [await ingest(a.url, 100), await ingest(b.url, 101)];
    const page = await relayCall<{ events: { id: string }[]; next: string }>(b.url, undefined, 'GET', `/webhooks/${appId}?limit=10`);
    expect(page.body.events.map((e) => e.id)).toEqual(ids);
    const done = await relayCall<{ events: unknown[] }>(a.url, undefined, 'GET', `/webhooks/${appId}?limit=10&ack=${page.body.next}`);
    expect(done.body.events).toEqual([]);
    expect((await relayCall(a.url, undefined, 'POST', `/webhooks/${appId}/events/${ids[0]}/replay`)).status).toBe(202);
    const drained = await relayCall<Record<string, unknown>>(b.url, undefined, 'GET', `/webhooks/${appId}`);
    expect(Object.keys(drained.body)).toEqual([ids[0]]);
  });

  it('answers a trigger that reaches node A through a consumer on node B, and 503 at once when no node has one', async () => {
    const command = JSON.stringify({ messageType: 'SLASH_COMMAND', slashCommand: '/ping', text: 'hi' });
    const started = Date.now();
    const none = await postHook(a.url, appId, pumbleHeaders(SECRET, command), command);
    expect(none.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(1_000);

    const onB = new TestConsumer(b.url, appId, undefined);
    consumers.push(onB);
    await onB.open();
    // B says it has a consumer as soon as it connects; A reads that from the table.
    await until(
      async () => (await a.relay.store.db.selectFrom('relay_presence').selectAll().where('node_id', '=', 'node-b').execute()).length > 0,
      'node B present',
    );
    const answering = (async () => {
      await onB.waitFor(() => onB.frames.some((f) => f.type === 'trigger'), 'the trigger on node B');
      const trigger = onB.frames.find((f) => f.type === 'trigger') as unknown as { id: string; data: { text: string }; headers: Record<string, string> };
      expect(trigger.data.text).toBe('hi');
      expect(trigger.headers['x-pumble-request-signature']).toBeTruthy();
      onB.send({ type: 'trigger_reply', id: trigger.id, status: 200, body: { text: 'pong from B' } });
    })();
    const response = await postHook(a.url, appId, pumbleHeaders(SECRET, command), command);
    await answering;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ text: 'pong from B' });
    expect(await a.relay.store.db.selectFrom('relay_triggers').selectAll().execute()).toEqual([]);

    // B's consumer leaves: its presence goes, and A answers 503 at once again.
    await onB.close();
    await until(
      async () => (await a.relay.store.db.selectFrom('relay_presence').selectAll().where('node_id', '=', 'node-b').execute()).length === 0,
      'node B gone',
    );
    expect((await postHook(a.url, appId, pumbleHeaders(SECRET, command), command)).status).toBe(503);
  });

  it('stores a burst in one statement, a delivery id still queued once (within the burst and across)', async () => {
    for (const consumer of consumers.splice(0)) await consumer.close();
    const app = 'pg-burst';
    expect((await relayCall(a.url, undefined, 'PUT', `/webhooks/${app}`, { secret: SECRET })).status).toBe(201);
    const send = (n: number, delivery: string) => {
      const body = JSON.stringify({ type: 'message-created', n });
      return postHook(a.url, app, watsonHeaders(SECRET, body, { 'x-switchboard-delivery-id': delivery }), body);
    };
    // Sent together, so they share a group insert; d-dup three times.
    const responses = await Promise.all([send(1, 'd-1'), send(2, 'd-dup'), send(3, 'd-dup'), send(4, 'd-4'), send(5, 'd-dup')]);
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id));
    expect(new Set([ids[1], ids[2], ids[4]]).size).toBe(1);
    expect(new Set(ids).size).toBe(3);
    const again = await send(6, 'd-dup');
    expect(((await again.json()) as { id: string }).id).toBe(ids[1]);
    const stats = await a.relay.events.queueStats();
    expect(stats.find((s) => s.appId === app)?.depth).toBe(3);
  });
});
