import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyOutbound } from '@switchboard/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enqueue } from '../../src/delivery/outbox-writes.js';
import { dialects } from '../harness.js';
import { eventBody, FakeClock, MapTargets, makeDispatcher, openTestStore, Receiver, SECRET, type TestStore } from './helpers.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const offsetsMs = (JSON.parse(readFileSync(resolve(repoRoot, 'vectors/retry-schedule.json'), 'utf8')) as { offsetsSeconds: number[] }).offsetsSeconds.map(
  (s) => s * 1_000,
);

const entry = (appId: string, ch: string, n: number) => ({ appId, workspaceId: 'W1', eventType: 'NEW_MESSAGE', channelKey: ch, payload: eventBody(ch, n) });

describe.each(await dialects())('delivery dispatcher (%s)', (dialect) => {
  let clock: FakeClock;
  let db: TestStore;
  let receiver: Receiver;
  let targets: MapTargets;
  let harness: ReturnType<typeof makeDispatcher>;

  beforeEach(async () => {
    clock = new FakeClock();
    db = await openTestStore(dialect);
    receiver = await new Receiver(clock).start();
    targets = new MapTargets();
    targets.set('A1', `${receiver.url}/events`);
    harness = makeDispatcher(db.store, targets, clock);
  });
  afterEach(async () => {
    await harness.stop();
    await receiver.stop();
    await db.close();
  });

  const rowsOf = () => db.store.db.selectFrom('event_outbox').selectAll().orderBy('id').execute();

  it('POSTs the exact payload, signed, with a delivery id, and records it delivered', async () => {
    targets.set('A1', `${receiver.url}/events`, { signingSecrets: { current: SECRET, previous: 'old-secret' } });
    const ids = await enqueue(db.store.db, [entry('A1', 'C1', 1), entry('A1', 'C2', 1)], clock.now());
    await harness.dispatcher.runUntilIdle();
    expect(receiver.received).toHaveLength(2);
    for (const request of receiver.received) {
      expect(request.verified).toBe(true);
      expect(request.path).toBe('/events');
      expect(request.headers['x-switchboard-retry-count']).toBe('0');
      expect(request.headers['x-switchboard-signature-previous']).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(receiver.received.map((r) => r.headers['x-switchboard-delivery-id']).sort()).toEqual([...ids].sort());
    expect(receiver.received.map((r) => r.body).sort()).toEqual([eventBody('C1', 1), eventBody('C2', 1)].sort());
    const rows = await rowsOf();
    expect(rows.map((r) => [r.status, r.attempts, r.last_status, r.lease_until])).toEqual([
      ['delivered', 1, 200, null],
      ['delivered', 1, 200, null],
    ]);
  });

  it('retries on the seed 003 schedule through the whole 72 h with a stable delivery id, then fails', async () => {
    receiver.reply = () => ({ status: 500 });
    const start = clock.now();
    const [id] = await enqueue(db.store.db, [entry('A1', 'C1', 1)], start);
    for (;;) {
      await harness.dispatcher.runUntilIdle();
      const [row] = await rowsOf();
      if (row.status !== 'pending') break;
      clock.t = row.next_attempt_at; // jump straight to the next due time
    }
    const attemptOffsets = receiver.received.map((r) => r.at - start);
    expect(attemptOffsets).toEqual([0, ...offsetsMs]);
    expect(new Set(receiver.received.map((r) => r.headers['x-switchboard-delivery-id']))).toEqual(new Set([id]));
    expect(receiver.received.map((r) => Number(r.headers['x-switchboard-retry-count']))).toEqual(offsetsMs.map((_, i) => i).concat(offsetsMs.length));
    const [row] = await rowsOf();
    expect(row).toMatchObject({ status: 'failed', attempts: offsetsMs.length + 1, first_failed_at: start, last_status: 500 });
  });

  it('keeps order within a channel while its head is retried; other channels flow', async () => {
    let failuresLeft = 2;
    receiver.reply = ({ body }) => {
      const { ch, n } = JSON.parse(body);
      if (ch === 'X' && n === 2 && failuresLeft > 0) {
        failuresLeft -= 1;
        return { status: 503 };
      }
      return { status: 200 };
    };
    await enqueue(db.store.db, [1, 2, 3, 4, 5].map((n) => entry('A1', 'X', n)).concat([1, 2, 3].map((n) => entry('A1', 'Y', n))), clock.now());
    await harness.dispatcher.runUntilIdle();
    const seen = () => receiver.events().map((e) => `${e.ch}${e.n}`);
    expect(seen().filter((s) => s.startsWith('X'))).toEqual(['X1', 'X2']);
    expect(seen().filter((s) => s.startsWith('Y'))).toEqual(['Y1', 'Y2', 'Y3']);
    // A new event of the other channel goes out at once, X3 still waits behind X2.
    clock.advance(1_000);
    await enqueue(db.store.db, [entry('A1', 'Y', 4), entry('A1', 'X', 6)], clock.now());
    await harness.dispatcher.runUntilIdle();
    expect(seen().slice(-1)).toEqual(['Y4']);
    clock.advance(29_000);
    await harness.dispatcher.runUntilIdle();
    expect(seen().slice(-1)).toEqual(['X2']);
    clock.advance(30_000);
    await harness.dispatcher.runUntilIdle();
    expect(seen().filter((s) => s.startsWith('X'))).toEqual(['X1', 'X2', 'X2', 'X2', 'X3', 'X4', 'X5', 'X6']);
    const x2 = receiver.received.filter((r) => JSON.parse(r.body).ch === 'X' && JSON.parse(r.body).n === 2);
    expect(new Set(x2.map((r) => r.headers['x-switchboard-delivery-id'])).size).toBe(1);
    expect(x2.map((r) => r.headers['x-switchboard-retry-count'])).toEqual(['0', '1', '2']);
    expect((await rowsOf()).every((r) => r.status === 'delivered')).toBe(true);
  });

  it('gates a dead endpoint: one probe per tick for 500 pending rows, others keep flowing, all go once it is back', async () => {
    const healthy = await new Receiver(clock).start();
    try {
      targets.set('A2', `${healthy.url}/events`);
      receiver.reply = () => ({ status: 500 });
      await enqueue(
        db.store.db,
        Array.from({ length: 500 }, (_, i) => entry('A1', `C${i}`, 1)),
        clock.now(),
      );
      await harness.dispatcher.runUntilIdle();
      expect(harness.dispatcher.gatedEndpoints()).toBe(1);
      for (let tick = 1; tick <= 10; tick += 1) {
        const before = receiver.received.length;
        clock.advance(30_000);
        await enqueue(db.store.db, [entry('A2', 'H', tick), entry('A1', `late${tick}`, 1)], clock.now());
        await harness.dispatcher.runUntilIdle();
        const sent = receiver.received.slice(before).map((r) => `${r.body.slice(0, 80)} retry=${r.headers['x-switchboard-retry-count']}`);
        expect(sent.length, `tick ${tick}: ${sent.join(' | ')}`).toBe(1);
        expect(healthy.events().map((e) => e.n)).toEqual(Array.from({ length: tick }, (_, i) => i + 1));
      }
      // Rows that arrived while it was gated were never attempted.
      const held = await db.store.db.selectFrom('event_outbox').selectAll().where('channel_key', '=', 'late1').executeTakeFirstOrThrow();
      expect(held).toMatchObject({ status: 'pending', attempts: 0 });

      receiver.reply = () => ({ status: 200 });
      clock.advance(30_000);
      await harness.dispatcher.runUntilIdle();
      const rows = await rowsOf();
      expect(rows.filter((r) => r.status !== 'delivered')).toEqual([]);
      expect(new Set(receiver.received.filter((r) => r.status === 200).map((r) => r.headers['x-switchboard-delivery-id'])).size).toBe(510);
      expect(harness.dispatcher.gatedEndpoints()).toBe(0);
    } finally {
      await healthy.stop();
    }
  });

  it('honours a 429 Retry-After, but never earlier than the schedule', async () => {
    let calls = 0;
    receiver.reply = () =>
      ++calls === 1 ? { status: 429, headers: { 'retry-after': '75' } } : calls === 2 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 };
    const start = clock.now();
    await enqueue(db.store.db, [entry('A1', 'C1', 1)], start);
    for (const at of [0, 30_000, 60_000, 90_000, 100_000, 120_000]) {
      clock.t = start + at;
      await harness.dispatcher.runUntilIdle();
    }
    expect(receiver.received.map((r) => [r.at - start, r.status])).toEqual([
      [0, 429],
      [90_000, 429],
      [120_000, 200],
    ]);
  });

  it('Watson webhooks: X-OUTBOUND-* headers, and only 200/201/203/204 count as success', async () => {
    targets.set('A1', `${receiver.url}/hook`, { scheme: 'watson' });
    const statuses = [202, 500, 204];
    receiver.reply = () => ({ status: statuses.shift() ?? 200 });
    const start = clock.now();
    await enqueue(db.store.db, [{ ...entry('A1', 'S1', 1), outboundIndex: 7 }], start);
    for (const at of [0, 30_000, 60_000]) {
      clock.t = start + at;
      await harness.dispatcher.runUntilIdle();
    }
    expect(receiver.received.map((r) => r.status)).toEqual([202, 500, 204]);
    for (const [i, r] of receiver.received.entries()) {
      expect(verifyOutbound(SECRET, r.body, r.headers['x-outbound-token'] as string)).toBe(true);
      expect(r.headers['x-outbound-index']).toBe('7');
      expect(r.headers['x-outbound-retry-count']).toBe(String(i));
      expect(r.headers['x-pumble-request-signature']).toBeUndefined();
    }
    expect((await rowsOf())[0]).toMatchObject({ status: 'delivered', attempts: 3, last_status: 204 });
  });

  it('with a lane window, pipelines a lane in order; only rows already sent may overtake a failed one', async () => {
    await harness.stop();
    harness = makeDispatcher(db.store, targets, clock, { laneWindow: 8 });
    await enqueue(
      db.store.db,
      Array.from({ length: 60 }, (_, i) => entry('A1', 'P', i + 1)),
      clock.now(),
    );
    await harness.dispatcher.runUntilIdle();
    // One connection per lane, requests pipelined on it: arrival order is send order.
    expect(receiver.events().map((e) => e.n)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(new Set(receiver.received.map((r) => r.remotePort)).size).toBe(1);

    let failed = false;
    receiver.reply = ({ body }) => {
      const { n } = JSON.parse(body);
      if (n === 62 && !failed) {
        failed = true;
        return { status: 503 };
      }
      return { status: 200 };
    };
    await enqueue(
      db.store.db,
      Array.from({ length: 20 }, (_, i) => entry('A1', 'P', 61 + i)),
      clock.now(),
    );
    await harness.dispatcher.runUntilIdle();
    const after = () =>
      receiver
        .events()
        .slice(60)
        .map((e) => e.n);
    // 62 failed; at most the 7 sent behind it in its window went through; nothing later did.
    const overtook = after().slice(2);
    expect(after().slice(0, 2)).toEqual([61, 62]);
    expect(overtook.length).toBeLessThanOrEqual(7);
    expect(overtook).toEqual(Array.from({ length: overtook.length }, (_, i) => 63 + i));
    clock.advance(30_000);
    await harness.dispatcher.runUntilIdle();
    const rest = after().slice(2 + overtook.length);
    expect(rest).toEqual([62, ...Array.from({ length: 20 - 2 - overtook.length }, (_, i) => 63 + overtook.length + i)]);
    expect((await rowsOf()).every((r) => r.status === 'delivered')).toBe(true);
  });

  it('fails a dead endpoint backlog once the whole schedule has passed, attempting only probes', { timeout: 90_000 }, async () => {
    receiver.reply = () => ({ status: 500 });
    const start = clock.now();
    await enqueue(
      db.store.db,
      Array.from({ length: 50 }, (_, i) => entry('A1', `C${i}`, 1)),
      start,
    );
    await harness.dispatcher.runUntilIdle();
    const firstWave = receiver.received.length;
    // Ticks every 30 min: each costs one probe; new events keep arriving and wait unattempted.
    for (let tick = 1; clock.now() - start <= 73 * 3_600_000; tick += 1) {
      clock.advance(30 * 60_000);
      await enqueue(db.store.db, [entry('A1', `late${tick}`, 1)], clock.now());
      await harness.dispatcher.runUntilIdle();
    }
    expect(receiver.received.length - firstWave).toBeLessThanOrEqual(150);
    const rows = await rowsOf();
    const byStatus = (status: string) => rows.filter((r) => r.status === status).length;
    // Everything older than 72 h failed; only recent arrivals still wait.
    expect(rows.filter((r) => r.status === 'pending' && r.created_at < clock.now() - 72 * 3_600_000)).toEqual([]);
    expect(byStatus('failed')).toBeGreaterThanOrEqual(50);
    expect(byStatus('delivered')).toBe(0);
  });

  it('deletes settled rows after the retention, never pending ones', async () => {
    const start = clock.now();
    await enqueue(db.store.db, [entry('A1', 'C1', 1), entry('A1', 'C1', 2), entry('GONE', 'C3', 1)], start);
    await harness.dispatcher.runUntilIdle();
    // A row still waiting (a socket-mode app that never connected, say): old, but pending.
    const [waiting] = await enqueue(db.store.db, [entry('A1', 'C9', 1)], start);
    await db.store.db
      .updateTable('event_outbox')
      .set({ next_attempt_at: start + 365 * 24 * 3_600_000 })
      .where('id', '=', waiting)
      .execute();
    const statuses = async () => (await rowsOf()).map((r) => `${r.channel_key}:${r.status}`).sort();
    expect(await statuses()).toEqual(['C1:delivered', 'C1:delivered', 'C3:cancelled', 'C9:pending']);
    clock.advance(6 * 24 * 3_600_000);
    await harness.dispatcher.runUntilIdle();
    expect(await statuses()).toHaveLength(4);
    clock.advance(1 * 24 * 3_600_000 + 60_000);
    await harness.dispatcher.runUntilIdle();
    expect(await statuses()).toEqual(['C9:pending']);
  });

  it('cancels rows whose target no longer resolves, and treats a refused connection as a retry', async () => {
    targets.set('A3', 'http://127.0.0.1:1/events');
    await enqueue(db.store.db, [entry('GONE', 'C1', 1), entry('A3', 'C1', 1)], clock.now());
    await harness.dispatcher.runUntilIdle();
    const rows = await db.store.db
      .selectFrom('event_outbox')
      .select(['app_id', 'status', 'attempts', 'last_error', 'next_attempt_at'])
      .orderBy('app_id')
      .execute();
    expect(rows).toEqual([
      { app_id: 'A3', status: 'pending', attempts: 1, last_error: 'ECONNREFUSED', next_attempt_at: clock.now() + 30_000 },
      { app_id: 'GONE', status: 'cancelled', attempts: 0, last_error: 'no_target', next_attempt_at: clock.now() },
    ]);
  });
});
