import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryDispatcher } from '../../src/delivery/dispatcher.js';
import { OutboxStore } from '../../src/delivery/outbox-store.js';
import { enqueue } from '../../src/delivery/outbox-writes.js';
import type { Delivery } from '../../src/delivery/transport.js';
import { WorkerHttpTransport } from '../../src/delivery/worker-transport.js';
import { OutboundPolicy } from '../../src/outbound/index.js';
import { eventBody, FakeClock, MapTargets, openTestStore, Receiver, SECRET, type TestStore } from './helpers.js';

const entry = (ch: string, n: number) => ({ appId: 'A1', workspaceId: 'W1', eventType: 'NEW_MESSAGE', channelKey: ch, payload: eventBody(ch, n) });

describe('WorkerHttpTransport (a real worker thread, a real loopback receiver)', () => {
  // The dispatcher's schedule runs on a fake clock; the worker signs with real time, which the receiver checks.
  let clock: FakeClock;
  let db: TestStore;
  let receiver: Receiver;
  let targets: MapTargets;
  let transport: WorkerHttpTransport;
  let dispatcher: DeliveryDispatcher;

  beforeEach(async () => {
    clock = new FakeClock();
    db = await openTestStore('sqlite');
    receiver = await new Receiver().start();
    targets = new MapTargets();
    targets.set('A1', `${receiver.url}/events`);
    transport = new WorkerHttpTransport({ timeoutMs: 10_000, outbound: OutboundPolicy.unrestricted, onError: (error) => console.error('[worker]', error) });
    dispatcher = new DeliveryDispatcher({
      store: new OutboxStore(db.store.db, db.store.dialect),
      targets,
      transports: { http: transport },
      clock,
      onError: (error) => console.error('[dispatcher]', error),
    });
  });
  afterEach(async () => {
    await dispatcher.stop();
    await transport.close();
    await receiver.stop();
    await db.close();
  });

  const rowsOf = () => db.store.db.selectFrom('event_outbox').selectAll().orderBy('id').execute();
  const seen = (ch: string) =>
    receiver
      .events()
      .filter((e) => e.ch === ch)
      .map((e) => e.n);

  it('sends signed, in order, one request per lane at a time while lanes run side by side', async () => {
    const active = new Map<string, number>();
    let peakPerLane = 0;
    let peakOverall = 0;
    receiver.replyDelayMs = 2;
    receiver.reply = ({ body }) => {
      const { ch } = JSON.parse(body) as { ch: string };
      active.set(ch, (active.get(ch) ?? 0) + 1);
      peakPerLane = Math.max(peakPerLane, active.get(ch) ?? 0);
      peakOverall = Math.max(
        peakOverall,
        [...active.values()].reduce((a, b) => a + b, 0),
      );
      // Registered before the receiver's own answer timer of the same delay, so it runs first.
      setTimeout(() => active.set(ch, (active.get(ch) ?? 1) - 1), 2);
      return { status: 200 };
    };
    const numbers = Array.from({ length: 60 }, (_, i) => i + 1);
    await enqueue(db.store.db, [...numbers.map((n) => entry('X', n)), ...numbers.map((n) => entry('Y', n))], clock.now());
    await dispatcher.runUntilIdle();
    expect(seen('X')).toEqual(numbers);
    expect(seen('Y')).toEqual(numbers);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    expect(peakPerLane).toBe(1);
    expect(peakOverall).toBe(2);
    expect((await rowsOf()).every((r) => r.status === 'delivered' && r.attempts === 1)).toBe(true);
  });

  it('never sends what was handed over behind a failed delivery; those follow its retry, in order, with no attempt counted', async () => {
    let failures = 1;
    receiver.reply = ({ body }) => {
      const { n } = JSON.parse(body) as { n: number };
      if (n === 5 && failures > 0) {
        failures -= 1;
        return { status: 503 };
      }
      return { status: 200 };
    };
    const numbers = Array.from({ length: 20 }, (_, i) => i + 1);
    await enqueue(
      db.store.db,
      numbers.map((n) => entry('X', n)),
      clock.now(),
    );
    await dispatcher.runUntilIdle();
    expect(seen('X')).toEqual([1, 2, 3, 4, 5]);
    const waiting = (await rowsOf()).filter((r) => r.status === 'pending');
    expect(waiting.map((r) => JSON.parse(r.payload).n)).toEqual(numbers.slice(4));
    expect(waiting.map((r) => r.attempts)).toEqual([1, ...numbers.slice(5).map(() => 0)]);
    clock.advance(30_000);
    await dispatcher.runUntilIdle();
    expect(seen('X')).toEqual([1, 2, 3, 4, 5, ...numbers.slice(4)]);
    expect((await rowsOf()).every((r) => r.status === 'delivered')).toBe(true);
  });

  it('applies the outbound policy inside the worker and reports refusals to the policy it was given', async () => {
    const strict = new OutboundPolicy({ allowPrivateTargets: false });
    const refused: string[] = [];
    strict.onRefused((range) => refused.push(range));
    const guarded = new WorkerHttpTransport({ outbound: strict });
    try {
      const outcome = await guarded.send(delivery(`${receiver.url}/events`), new AbortController().signal);
      expect(outcome).toMatchObject({ kind: 'retry', error: 'target_forbidden' });
      expect(refused).toEqual(['loopback']);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await guarded.close();
    }
  });

  it('a worker that dies answers its unanswered sends as retries; the next send starts a new one', async () => {
    receiver.replyDelayMs = 60_000;
    const own = new WorkerHttpTransport({ outbound: OutboundPolicy.unrestricted });
    try {
      const sending = own.send(delivery(`${receiver.url}/events`), new AbortController().signal);
      while (receiver.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      const worker = (own as unknown as { worker: { terminate(): Promise<number> } }).worker;
      await worker.terminate();
      expect(await sending).toEqual({ kind: 'retry', error: 'delivery_worker_exited' });
      receiver.replyDelayMs = 0;
      expect(await own.send(delivery(`${receiver.url}/events`), new AbortController().signal)).toEqual({ kind: 'ok', status: 200 });
      expect(receiver.received.map((r) => r.verified)).toEqual([true, true]);
    } finally {
      await own.close();
    }
  });

  it('a worker that cannot start: the same ordered lanes run in process (in order, held behind a failure)', async () => {
    const errors: Error[] = [];
    const own = new WorkerHttpTransport({
      outbound: OutboundPolicy.unrestricted,
      workerEntry: new URL('./no-such-worker.js', import.meta.url).href,
      onError: (error) => errors.push(error),
    });
    receiver.reply = ({ body }) => ({ status: (JSON.parse(body) as { n: number }).n === 2 ? 503 : 200 });
    try {
      const signal = new AbortController().signal;
      // Handed over before the worker is known to be gone: answered as retries, never lost.
      expect(await own.send(delivery(`${receiver.url}/events`), signal)).toMatchObject({ kind: 'retry' });
      expect(errors.some((error) => /could not start/.test(error.message))).toBe(true);
      const at = (n: number) => ({ ...delivery(`${receiver.url}/events`), id: `d${n}`, payload: eventBody('X', n) });
      const outcomes = await Promise.all([1, 2, 3].map((n) => own.send(at(n), signal)));
      expect(outcomes.map((outcome) => outcome.kind)).toEqual(['ok', 'retry', 'held']);
      expect(seen('X')).toEqual([1, 2]);
    } finally {
      await own.close();
    }
  });

  it('warm() starts the worker before any send; sends then use it', async () => {
    const own = new WorkerHttpTransport({ outbound: OutboundPolicy.unrestricted });
    try {
      const workerOf = () => (own as unknown as { worker?: unknown }).worker;
      expect(workerOf()).toBeUndefined();
      own.warm();
      const started = workerOf();
      expect(started).toBeDefined();
      expect(await own.send(delivery(`${receiver.url}/events`), new AbortController().signal)).toEqual({ kind: 'ok', status: 200 });
      expect(workerOf()).toBe(started);
    } finally {
      await own.close();
    }
  });

  it('close() answers what is still in flight as a retry and ends the worker', async () => {
    receiver.replyDelayMs = 60_000;
    const own = new WorkerHttpTransport({ outbound: OutboundPolicy.unrestricted });
    const sending = own.send(delivery(`${receiver.url}/events`), new AbortController().signal);
    while (receiver.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await own.close();
    expect(await sending).toMatchObject({ kind: 'retry' });
    expect(await own.send(delivery(`${receiver.url}/events`), new AbortController().signal)).toEqual({ kind: 'retry', error: 'stopped' });
  });
});

function delivery(url: string): Delivery {
  return {
    id: 'd1',
    appId: 'A1',
    workspaceId: 'W1',
    eventType: 'NEW_MESSAGE',
    channelKey: 'X',
    payload: eventBody('X', 1),
    retryCount: 0,
    outboundIndex: null,
    target: { url, signingSecrets: { current: SECRET }, transport: 'http' },
  };
}
