import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { laneKey, OutboxStore } from '../../src/delivery/outbox-store.js';
import { enqueue } from '../../src/delivery/outbox-writes.js';
import { eventBody, FakeClock, MapTargets, makeDispatcher, openTestStore, Receiver, type TestStore } from './helpers.js';

const entry = (ch: string, n: number) => ({ appId: 'A1', workspaceId: 'W1', eventType: 'NEW_MESSAGE', channelKey: ch, payload: eventBody(ch, n) });

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** SQLite: a drained lane stays open for its next rows (LaneSignals) instead of ending. */
describe('lingering lanes (sqlite)', () => {
  let clock: FakeClock;
  let db: TestStore;
  let receiver: Receiver;
  let claims: number;
  let settled: number;
  let harness: ReturnType<typeof makeDispatcher>;

  beforeEach(async () => {
    clock = new FakeClock();
    db = await openTestStore('sqlite');
    receiver = await new Receiver(clock).start();
    const targets = new MapTargets();
    targets.set('A1', `${receiver.url}/events`);
    claims = 0;
    settled = 0;
    const store = new OutboxStore(db.store.db, 'sqlite');
    const claim = store.claim.bind(store);
    store.claim = (options) => {
      claims += 1;
      return claim(options);
    };
    // No polling during the test: only wake-ups move rows.
    harness = makeDispatcher(db.store, targets, clock, {
      store,
      pollIntervalMs: 60_000,
      onResult: () => {
        settled += 1;
      },
    });
    await harness.dispatcher.start();
  });
  afterEach(async () => {
    await harness.stop();
    await receiver.stop();
    await db.close();
  });

  const bodies = () => receiver.received.map((r) => r.body);

  it('reads rows committed to a drained lane itself, in order, without a claim; other lanes are claimed', async () => {
    await enqueue(db.store.db, [entry('C1', 1)], clock.now());
    harness.dispatcher.wake([laneKey('A1', 'C1')]);
    await until(() => receiver.received.length === 1);
    const claimsAfterFirst = claims;
    for (let n = 2; n <= 5; n += 1) {
      await enqueue(db.store.db, [entry('C1', n)], clock.now());
      harness.dispatcher.wake([laneKey('A1', 'C1')]);
      await until(() => receiver.received.length === n);
    }
    expect(claims).toBe(claimsAfterFirst);
    expect(bodies()).toEqual([1, 2, 3, 4, 5].map((n) => eventBody('C1', n)));
    // A lane that is not running is claimed as before.
    await enqueue(db.store.db, [entry('C2', 1)], clock.now());
    harness.dispatcher.wake([laneKey('A1', 'C2')]);
    await until(() => receiver.received.length === 6);
    expect(claims).toBeGreaterThan(claimsAfterFirst);
    expect(await db.store.db.selectFrom('event_outbox').select('status').execute()).toHaveLength(6);
  });

  it('a wake that names no lane makes lingering lanes look again', async () => {
    await enqueue(db.store.db, [entry('C1', 1)], clock.now());
    harness.dispatcher.wake([laneKey('A1', 'C1')]);
    await until(() => receiver.received.length === 1);
    await enqueue(db.store.db, [entry('C1', 2)], clock.now());
    harness.dispatcher.wake();
    await until(() => receiver.received.length === 2);
    expect(bodies()).toEqual([eventBody('C1', 1), eventBody('C1', 2)]);
  });

  it('ends a lingering lane after a while: rows enqueued later are claimed again; stop() ends a lingering lane and writes its outcome', async () => {
    await enqueue(db.store.db, [entry('C1', 1)], clock.now());
    harness.dispatcher.wake([laneKey('A1', 'C1')]);
    await until(() => receiver.received.length === 1);
    // Past the linger time the lane ends and its outcome is written.
    await new Promise((r) => setTimeout(r, 300));
    const statuses = await db.store.db.selectFrom('event_outbox').select('status').execute();
    expect(statuses.map((r) => r.status)).toEqual(['delivered']);
    const claimsBefore = claims;
    await enqueue(db.store.db, [entry('C1', 2)], clock.now());
    harness.dispatcher.wake([laneKey('A1', 'C1')]);
    await until(() => receiver.received.length === 2);
    expect(claims).toBeGreaterThan(claimsBefore);
    // Settled (answered), not merely received: stop() releases sends still in flight.
    await until(() => settled === 2);
    await harness.dispatcher.stop();
    const after = await db.store.db.selectFrom('event_outbox').select('status').execute();
    expect(after.map((r) => r.status)).toEqual(['delivered', 'delivered']);
  });
});
