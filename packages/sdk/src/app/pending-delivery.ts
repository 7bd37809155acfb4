import type { ApiClient } from '../client/index.js';
import type { AckFn, AckReply } from '../receivers/receiver.js';
import type { BotIdentity } from './bot-credentials.js';
import type { ContextDeps } from './context.js';
import type { DeliveryRunnerOptions } from './delivery-runner.js';

/** What every delivery of one runner shares: its options and the auto-ack timers still pending. */
export type SharedRunnerState = DeliveryRunnerOptions & { timers: Set<NodeJS.Timeout> };

/**
 * One delivery's answer, sent at most once, and its auto-ack timer. A class rather than
 * closures: the context calls its methods, so a delivery allocates one small object for this.
 */
export class PendingDelivery implements ContextDeps {
  answered = false;
  bot: BotIdentity | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly runner: SharedRunnerState,
    private readonly ack: AckFn,
    readonly deliveryId: string | undefined,
  ) {}

  answer(reply: AckReply): boolean {
    if (this.answered) return false;
    this.answered = true;
    // A nacked delivery may be retried by the platform; let the retry run.
    if (reply.status >= 300 && this.deliveryId) this.runner.deduper.forget(this.deliveryId);
    this.ack(reply);
    return true;
  }

  /** Starts the auto-ack clock; only deliveries that make the core wait pay for a timer. */
  armAutoAck(): void {
    if (this.answered || this.timer) return;
    const timer = setTimeout(() => {
      this.disarm();
      this.answer(EMPTY_ACK);
    }, this.runner.autoAckAfterMs);
    timer.unref();
    this.timer = timer;
    this.runner.timers.add(timer);
  }

  disarm(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.runner.timers.delete(this.timer);
    this.timer = undefined;
  }

  missingBot(workspaceId: string): string {
    return this.runner.credentials.missingReason(workspaceId);
  }

  userClient(workspaceId: string, userId: string): Promise<ApiClient> {
    return this.runner.credentials.user(workspaceId, userId);
  }
}

/** The plain `200 {}` ack, shared: it is by far the most common answer. */
export const EMPTY_ACK: AckReply = Object.freeze({ status: 200, body: Object.freeze({}) });
