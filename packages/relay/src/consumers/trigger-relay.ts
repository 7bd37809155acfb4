import { randomUUID } from 'node:crypto';
import type { RelayTriggerReply } from '@switchboard/protocol';
import type { RelayMetrics } from '../ops/relay-metrics.js';
import type { Consumer } from './consumer.js';
import type { ConsumerHub } from './consumer-hub.js';
import { triggerFrame } from './event-frames.js';

export interface TriggerAnswer {
  status: number;
  body: unknown;
}

interface Pending {
  consumer: Consumer;
  resolve: (answer: TriggerAnswer | undefined) => void;
  timer: NodeJS.Timeout;
}

/**
 * Pumble triggers (commands, shortcuts, interactions, views, menus) need an answer within 3 s,
 * so they are never stored: one connected consumer of the app gets the trigger and the relay waits
 * for its `trigger_reply`. No consumer, or no reply in time: `undefined` (the route answers 503).
 */
/** Another way to reach a consumer of the app (another node of a PostgreSQL cluster). */
export interface RemoteTriggerRoute {
  forward(appId: string, body: Buffer, headers: Record<string, string>): Promise<TriggerAnswer | undefined>;
}

export class TriggerRelay {
  private readonly pending = new Map<string, Pending>();
  /** Set on PostgreSQL: where a trigger goes when no consumer of its app is connected here. */
  remote: RemoteTriggerRoute | undefined;

  constructor(
    private readonly hub: ConsumerHub,
    private readonly metrics: RelayMetrics,
    private readonly deadlineMs: number,
  ) {}

  /** To a consumer here, else through `remote`. */
  async forward(appId: string, body: Buffer, headers: Record<string, string>): Promise<TriggerAnswer | undefined> {
    if (this.remote && !this.hub.pick(appId)) return this.remote.forward(appId, body, headers);
    return this.forwardHere(appId, body, headers, this.deadlineMs);
  }

  /** To a consumer on this node only, waiting at most `deadlineMs` (a trigger relayed from another node has less left). */
  async forwardHere(appId: string, body: Buffer, headers: Record<string, string>, deadlineMs: number): Promise<TriggerAnswer | undefined> {
    const consumer = this.hub.pick(appId);
    if (!consumer) {
      this.metrics.triggers.inc({ outcome: 'no_consumer' });
      return undefined;
    }
    const id = `trg_${randomUUID()}`;
    const answer = await new Promise<TriggerAnswer | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(undefined);
      }, deadlineMs);
      this.pending.set(id, { consumer, resolve, timer });
      consumer.send(triggerFrame(id, body, headers));
    });
    this.metrics.triggers.inc({ outcome: answer ? 'answered' : 'timeout' });
    return answer;
  }

  /** A consumer's reply; false when no trigger of that consumer waits under that id. */
  reply(consumer: Consumer, frame: RelayTriggerReply): boolean {
    const waiting = this.pending.get(frame.id);
    if (!waiting || waiting.consumer !== consumer) return false;
    this.pending.delete(frame.id);
    clearTimeout(waiting.timer);
    waiting.resolve({ status: frame.status, body: frame.body ?? {} });
    return true;
  }

  /** The consumer left: its triggers fail now rather than at the deadline. */
  abandon(consumer: Consumer): void {
    for (const [id, waiting] of this.pending) {
      if (waiting.consumer !== consumer) continue;
      this.pending.delete(id);
      clearTimeout(waiting.timer);
      waiting.resolve(undefined);
    }
  }
}
