import { afterEach, describe, expect, it } from 'vitest';
import { postHook, relayCall, startTestRelay, TestConsumer, type TestRelay, until, watsonHeaders } from './relay-kit.js';

const SECRET = 'ops-secret';
const relays: TestRelay[] = [];
afterEach(async () => {
  for (const relay of relays.splice(0)) await relay.stop();
});

async function relayWith(options: Parameters<typeof startTestRelay>[0]): Promise<TestRelay> {
  const relay = await startTestRelay({ allowUnauthenticated: true, ...options });
  relays.push(relay);
  return relay;
}

async function ingest(url: string, appId: string, n: number): Promise<string> {
  const body = JSON.stringify({ type: 'message-created', n });
  const response = await postHook(url, appId, watsonHeaders(SECRET, body), body);
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

describe('relay operations: retention, limits, shutdown', () => {
  it('drops the oldest queued events beyond the per-app limit, counted in /metrics', async () => {
    const r = await relayWith({ maxQueuedEvents: 3, sweepIntervalMs: 50 });
    await relayCall(r.url, undefined, 'PUT', '/webhooks/app', { secret: SECRET });
    const ids: string[] = [];
    for (let n = 0; n < 5; n += 1) ids.push(await ingest(r.url, 'app', n));
    await until(async () => (await r.relay.events.queueStats())[0]?.depth === 3, 'the retention pass');
    const kept = await r.relay.events.list('app', { since: 0, limit: 10, state: 'queued' });
    expect(kept.map((e) => e.id)).toEqual(ids.slice(2));
    expect(await (await fetch(`${r.url}/metrics`)).text()).toMatch(/relay_events_dropped_total\{reason="max_events"\} 2/);
  });

  it('deletes acked events after the replay window and drops queued ones past the age limit', async () => {
    let now = Date.now();
    const r = await relayWith({ sweepIntervalMs: 50, replayRetentionMs: 60_000, maxQueuedAgeMs: 120_000, now: () => now });
    await relayCall(r.url, undefined, 'PUT', '/webhooks/app', { secret: SECRET });
    const acked = await ingest(r.url, 'app', 1);
    await relayCall(r.url, undefined, 'GET', '/webhooks/app');
    const queued = await ingest(r.url, 'app', 2);
    now += 61_000;
    await until(async () => (await r.relay.events.get('app', acked)) === undefined, 'the acked event purged');
    expect((await r.relay.events.get('app', queued))?.state).toBe('queued');
    now += 60_000;
    await until(async () => (await r.relay.events.get('app', queued)) === undefined, 'the aged event dropped');
    expect(await (await fetch(`${r.url}/metrics`)).text()).toMatch(/relay_events_dropped_total\{reason="max_age"\} 1/);
  });

  it('publishes /openapi.json generated from the route schemas', async () => {
    const r = await relayWith({});
    const document = (await (await fetch(`${r.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/hook/{appId}', '/webhooks/{appId}', '/webhooks/{appId}/events', '/webhooks/{appId}/events/{id}/replay']),
    );
  });

  it('rate-limits registrations (429 with a code)', async () => {
    const r = await relayWith({ registrationsPerMinute: 2 });
    expect((await relayCall(r.url, undefined, 'PUT', '/webhooks/a1', { secret: SECRET })).status).toBe(201);
    expect((await relayCall(r.url, undefined, 'PUT', '/webhooks/a2', { secret: SECRET })).status).toBe(201);
    const third = await relayCall(r.url, undefined, 'PUT', '/webhooks/a3', { secret: SECRET });
    expect(third).toMatchObject({ status: 429, body: { code: 'rate_limited' } });
  });

  it('on close: finishes what was stored, closes consumer sockets with 1001, keeps the queue for the next start', async () => {
    const r = await relayWith({});
    await relayCall(r.url, undefined, 'PUT', '/webhooks/app', { secret: SECRET });
    const consumer = new TestConsumer(r.url, 'app', undefined);
    await consumer.open();
    const id = await ingest(r.url, 'app', 1);
    await consumer.waitFor(() => consumer.events().length === 1, 'the event');
    await r.stop({ keepData: true });
    relays.splice(relays.indexOf(r), 1);
    await consumer.waitFor(() => consumer.closeCode !== undefined, 'the close');
    expect(consumer.closeCode).toBe(1001);
    // Not acked before the shutdown: handed out again by the next relay on the same data.
    const again = await relayWith({ dataDir: r.dataDir });
    const next = new TestConsumer(again.url, 'app', undefined);
    await next.open();
    await next.waitFor(() => next.events().some((e) => e.id === id), 'the unacked event after the restart');
    await next.close();
  });
});
