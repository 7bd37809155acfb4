import { setMaxListeners } from 'node:events';
import type { Delivery, DeliveryOutcome } from './transport.js';

/** One delivery handed over, with where it stands in its lane. */
export interface LaneSend {
  /** Unique per hand-over (a retried row gets a new one). */
  token: number;
  /** `laneKey(appId, channelKey)`. */
  lane: string;
  /**
   * The token handed over just before this one on the same lane, if that one was still
   * unanswered when this one was handed over: this one goes out only if that one succeeded.
   */
  after: number | null;
  delivery: Delivery;
}

export interface LaneReply {
  token: number;
  outcome: DeliveryOutcome;
}

interface LaneState {
  queue: LaneSend[];
  busy: boolean;
  lastToken: number | null;
  lastOk: boolean;
  idleSince: number;
}

/** Idle lanes keep their last outcome this long: an `after` naming it may still be on its way. */
const IDLE_LANE_KEPT_MS = 30_000;

/**
 * Sends each lane's deliveries one at a time, in the order handed over, and never sends one
 * whose predecessor failed (it is answered `held`, untried): the app sees a lane's events in
 * order and none after one that failed. Different lanes go out concurrently. This is what lets
 * the dispatcher hand a lane over many rows at once while the wire keeps one request per lane
 * in flight.
 */
export class OrderedLanes {
  private readonly lanes = new Map<string, LaneState>();
  private readonly abort = new AbortController();

  constructor(
    private readonly send: (delivery: Delivery, signal: AbortSignal) => Promise<DeliveryOutcome>,
    private readonly reply: (reply: LaneReply) => void,
  ) {
    // Every send in flight (one per busy lane) listens for stop(): many at once are expected.
    setMaxListeners(0, this.abort.signal);
  }

  push(item: LaneSend): void {
    let state = this.lanes.get(item.lane);
    if (!state) {
      state = { queue: [], busy: false, lastToken: null, lastOk: false, idleSince: 0 };
      this.lanes.set(item.lane, state);
    }
    state.queue.push(item);
    if (!state.busy) void this.run(state);
  }

  /** Stops: sends in flight are aborted (answered `retry`), queued ones are answered `retry` untried. */
  stop(): void {
    this.abort.abort();
  }

  /** Drops the state of lanes idle for a while (call now and then). */
  sweep(now = performance.now()): void {
    for (const [key, state] of this.lanes) if (!state.busy && state.queue.length === 0 && now - state.idleSince > IDLE_LANE_KEPT_MS) this.lanes.delete(key);
  }

  /** Lanes with state kept (busy or idle). */
  get size(): number {
    return this.lanes.size;
  }

  private async run(state: LaneState): Promise<void> {
    state.busy = true;
    try {
      for (let item = state.queue.shift(); item !== undefined; item = state.queue.shift()) {
        const outcome = await this.attempt(state, item);
        state.lastToken = item.token;
        state.lastOk = outcome.kind === 'ok';
        this.reply({ token: item.token, outcome });
      }
    } finally {
      state.busy = false;
      state.idleSince = performance.now();
    }
  }

  private async attempt(state: LaneState, item: LaneSend): Promise<DeliveryOutcome> {
    if (this.abort.signal.aborted) return { kind: 'retry', error: 'stopped' };
    // An unknown predecessor (its lane state swept) counts as failed: holding is always safe.
    if (item.after !== null && !(state.lastToken === item.after && state.lastOk)) return { kind: 'held' };
    try {
      return await this.send(item.delivery, this.abort.signal);
    } catch (error) {
      return { kind: 'retry', error: error instanceof Error ? error.message : String(error) };
    }
  }
}
