import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LaneReply, type LaneSend, OrderedLanes } from '../../src/delivery/ordered-lanes.js';
import type { Delivery, DeliveryOutcome } from '../../src/delivery/transport.js';

const delivery = (id: string, channelKey = 'C'): Delivery => ({
  id,
  appId: 'A',
  workspaceId: 'W',
  eventType: 'NEW_MESSAGE',
  channelKey,
  payload: '{}',
  retryCount: 0,
  outboundIndex: null,
  target: { url: 'http://127.0.0.1:1/events', signingSecrets: { current: 's' }, transport: 'http' },
});

/** The sending side under test's control: each send waits until the test answers it. */
class ManualSends {
  readonly started: { id: string; finish: (outcome: DeliveryOutcome) => void; signal: AbortSignal }[] = [];
  readonly send = (d: Delivery, signal: AbortSignal) =>
    new Promise<DeliveryOutcome>((resolve) => {
      this.started.push({ id: d.id, finish: resolve, signal });
      signal.addEventListener('abort', () => resolve({ kind: 'retry', error: 'stopped' }), { once: true });
    });
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Ordered lanes over manual sends, collecting their replies. */
function manualLanes() {
  const sends = new ManualSends();
  const replies: LaneReply[] = [];
  return { sends, replies, lanes: new OrderedLanes(sends.send, (reply) => replies.push(reply)) };
}

describe('OrderedLanes', () => {
  it('sends a lane one at a time in hand-over order, lanes side by side', async () => {
    const { sends, replies, lanes } = manualLanes();
    lanes.push({ token: 1, lane: 'X', after: null, delivery: delivery('x1') });
    lanes.push({ token: 2, lane: 'X', after: 1, delivery: delivery('x2') });
    lanes.push({ token: 3, lane: 'Y', after: null, delivery: delivery('y1', 'Y') });
    await tick();
    expect(sends.started.map((s) => s.id)).toEqual(['x1', 'y1']);
    sends.started[0].finish({ kind: 'ok', status: 200 });
    await tick();
    expect(sends.started.map((s) => s.id)).toEqual(['x1', 'y1', 'x2']);
    sends.started[2].finish({ kind: 'ok', status: 200 });
    sends.started[1].finish({ kind: 'ok', status: 204 });
    await tick();
    expect(replies).toEqual([
      { token: 1, outcome: { kind: 'ok', status: 200 } },
      { token: 2, outcome: { kind: 'ok', status: 200 } },
      { token: 3, outcome: { kind: 'ok', status: 204 } },
    ]);
  });

  it('holds, untried, every delivery queued behind a failed one; a fresh hand-over (no predecessor) goes out', async () => {
    const { sends, replies, lanes } = manualLanes();
    lanes.push({ token: 1, lane: 'X', after: null, delivery: delivery('x1') });
    lanes.push({ token: 2, lane: 'X', after: 1, delivery: delivery('x2') });
    lanes.push({ token: 3, lane: 'X', after: 2, delivery: delivery('x3') });
    await tick();
    sends.started[0].finish({ kind: 'retry', status: 503, error: 'http_503' });
    await tick();
    // Handed over after the failure, still naming the held one: held too.
    lanes.push({ token: 4, lane: 'X', after: 3, delivery: delivery('x4') });
    await tick();
    expect(sends.started.map((s) => s.id)).toEqual(['x1']);
    expect(replies.map((r) => [r.token, r.outcome.kind])).toEqual([
      [1, 'retry'],
      [2, 'held'],
      [3, 'held'],
      [4, 'held'],
    ]);
    lanes.push({ token: 5, lane: 'X', after: null, delivery: delivery('x1') });
    await tick();
    expect(sends.started.map((s) => s.id)).toEqual(['x1', 'x1']);
  });

  it('stop() aborts the send in flight and answers the queued ones untried', async () => {
    const { sends, replies, lanes } = manualLanes();
    lanes.push({ token: 1, lane: 'X', after: null, delivery: delivery('x1') });
    lanes.push({ token: 2, lane: 'X', after: 1, delivery: delivery('x2') });
    await tick();
    lanes.stop();
    await tick();
    expect(sends.started).toHaveLength(1);
    expect(sends.started[0].signal.aborted).toBe(true);
    expect(replies.map((r) => [r.token, r.outcome.kind])).toEqual([
      [1, 'retry'],
      [2, 'retry'],
    ]);
  });

  it('a send that throws is a retry, and sweep() forgets idle lanes (a late `after` is then held, never sent early)', async () => {
    const replies: LaneReply[] = [];
    const lanes = new OrderedLanes(
      async () => {
        throw new Error('boom');
      },
      (reply) => replies.push(reply),
    );
    lanes.push({ token: 1, lane: 'X', after: null, delivery: delivery('x1') });
    await tick();
    expect(replies[0]).toEqual({ token: 1, outcome: { kind: 'retry', error: 'boom' } });
    lanes.sweep(performance.now() + 60_000);
    expect(lanes.size).toBe(0);
    lanes.push({ token: 2, lane: 'X', after: 1, delivery: delivery('x2') });
    await tick();
    expect(replies[1]).toEqual({ token: 2, outcome: { kind: 'held' } });
  });

  it('property: on every lane, what is sent is a prefix-closed run: nothing after a failure, order kept', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ lane: fc.constantFrom('X', 'Y', 'Z'), ok: fc.boolean() }), { minLength: 1, maxLength: 40 }), async (plan) => {
        const sent: string[] = [];
        const replies = new Map<number, DeliveryOutcome>();
        const okById = new Map<string, boolean>();
        const lanes = new OrderedLanes(
          async (d) => {
            sent.push(d.id);
            await tick();
            return okById.get(d.id) ? { kind: 'ok', status: 200 } : { kind: 'retry', status: 500 };
          },
          (reply) => replies.set(reply.token, reply.outcome),
        );
        const last = new Map<string, number>();
        const items: LaneSend[] = plan.map((step, index) => {
          const token = index + 1;
          const item = { token, lane: step.lane, after: last.get(step.lane) ?? null, delivery: delivery(`${step.lane}${token}`, step.lane) };
          okById.set(item.delivery.id, step.ok);
          last.set(step.lane, token);
          return item;
        });
        for (const item of items) lanes.push(item);
        while (replies.size < items.length) await tick();
        for (const lane of ['X', 'Y', 'Z']) {
          const ofLane = items.filter((item) => item.lane === lane);
          const firstFailure = ofLane.findIndex((item) => !okById.get(item.delivery.id));
          const expected = (firstFailure === -1 ? ofLane : ofLane.slice(0, firstFailure + 1)).map((item) => item.delivery.id);
          expect(sent.filter((id) => id.startsWith(lane))).toEqual(expected);
          for (const item of ofLane.slice(firstFailure === -1 ? ofLane.length : firstFailure + 1)) expect(replies.get(item.token)).toEqual({ kind: 'held' });
        }
      }),
      { numRuns: 200 },
    );
  });
});
