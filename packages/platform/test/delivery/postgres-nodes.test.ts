import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxStore } from '../../src/delivery/outbox-store.js';
import { enqueue } from '../../src/delivery/outbox-writes.js';
import { hasPostgres } from '../harness.js';
import { eventBody, FakeClock, MapTargets, makeDispatcher, openTestStore, Receiver, type TestStore } from './helpers.js';

const EVENTS = 20_000;
const CHANNELS = 50;

describe.runIf(await hasPostgres())('delivery on PostgreSQL with several nodes', () => {
  let db: TestStore;
  let receiver: Receiver;

  beforeAll(async () => {
    db = await openTestStore('postgres');
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await receiver.stop();
    await db.close();
  });

  it(`two dispatchers deliver ${EVENTS} events: none lost, none twice, each channel in order`, async () => {
    const targets = new MapTargets();
    targets.set('A1', `${receiver.url}/events`);
    const clock = { now: () => Date.now() };
    // Two nodes = two dispatchers with their own pools and transports over one schema.
    const second = await openTestStore(
      'postgres',
      (await db.store.db.selectNoFrom((eb) => eb.fn<string>('current_schema', []).as('s')).executeTakeFirstOrThrow()).s,
    );
    const nodes = [makeDispatcher(db.store, targets, clock, { batchSize: 100 }), makeDispatcher(second.store, targets, clock, { batchSize: 100 })];
    try {
      for (const node of nodes) await node.dispatcher.start();
      // Enqueue while both run, in transactions of 100 like a busy chat would.
      for (let start = 0; start < EVENTS; start += 100) {
        const entries = Array.from({ length: 100 }, (_, i) => {
          const n = start + i;
          const ch = `C${n % CHANNELS}`;
          return { appId: 'A1', workspaceId: 'W1', eventType: 'NEW_MESSAGE', channelKey: ch, payload: eventBody(ch, n) };
        });
        await db.store.db.transaction().execute((trx) => enqueue(trx, entries));
        nodes[(start / 100) % 2].dispatcher.wake();
      }
      const deadline = Date.now() + 120_000;
      while (receiver.received.length < EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300)); // let any duplicate show up
      const ids = receiver.received.map((r) => r.headers['x-switchboard-delivery-id']);
      expect(receiver.received.length).toBe(EVENTS);
      expect(new Set(ids).size).toBe(EVENTS);
      expect(receiver.received.every((r) => r.verified)).toBe(true);
      const perChannel = new Map<string, number[]>();
      for (const { ch, n } of receiver.events()) perChannel.set(ch, [...(perChannel.get(ch) ?? []), n]);
      for (const ns of perChannel.values()) expect(ns).toEqual([...ns].sort((a, b) => a - b));
      for (const node of nodes) await node.stop();
      const counts = await db.store.db
        .selectFrom('event_outbox')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      expect(counts.map((c) => [c.status, Number(c.n)])).toEqual([['delivered', EVENTS]]);
    } finally {
      for (const node of nodes) await node.stop();
      await second.store.close();
    }
  }, 240_000);

  it("retakes a crashed node's claims after the lease, and the crashed node cannot overwrite them", async () => {
    const clock = new FakeClock();
    const outbox = new OutboxStore(db.store.db, 'postgres');
    await db.store.db.deleteFrom('event_outbox').execute();
    receiver.received.length = 0;
    await enqueue(
      db.store.db,
      [0, 1, 2].map((n) => ({ appId: 'A1', workspaceId: 'W1', eventType: 'NEW_MESSAGE', channelKey: 'X', payload: eventBody('X', n) })),
      clock.now(),
    );
    // The "crashed" node leased them and never reported back.
    const claimed = await outbox.claim({ limit: 10, now: clock.now(), leaseMs: 60_000, owner: 'crashed' });
    expect(claimed).toHaveLength(3);
    const targets = new MapTargets();
    targets.set('A1', `${receiver.url}/events`);
    const node = makeDispatcher(db.store, targets, clock, { nodeId: 'survivor' });
    try {
      await node.dispatcher.runUntilIdle();
      expect(receiver.received).toHaveLength(0); // still leased
      clock.advance(60_000);
      await node.dispatcher.runUntilIdle();
      expect(receiver.events().map((e) => e.n)).toEqual([0, 1, 2]);
      // A late report from the crashed node is ignored: the rows are no longer its.
      await outbox.record([{ id: claimed[0].id, kind: 'retry', nextAttemptAt: 0, firstFailedAt: 0, status: 500, error: 'late' }], 'crashed', clock.now());
      const rows = await db.store.db.selectFrom('event_outbox').select(['status', 'attempts']).execute();
      expect(rows).toEqual(Array.from({ length: 3 }, () => ({ status: 'delivered', attempts: 1 })));
    } finally {
      await node.stop();
    }
  });
});
