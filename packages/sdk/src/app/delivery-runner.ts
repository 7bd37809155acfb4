import { AppPayload, type EventType, isInteractivePayload, parseEventBody } from '@switchboard/protocol';
import { z } from 'zod';
import type { DeliveryDeduper } from '../delivery-deduper.js';
import type { AckFn, AckReply, Delivery, ReceiverHost } from '../receivers/receiver.js';
import type { BotCredentials } from './bot-credentials.js';
import { DeliveryContext, type Place } from './context.js';
import { type AnyContext, type Chain, type DispatchTable, placeOf, routeKey } from './dispatch-table.js';
import { wasHandled } from './listener-chains.js';
import { type Middleware, runMiddleware } from './middleware.js';

/** What an error listener learns besides the error. */
export interface ErrorInfo {
  /** The delivery being handled, when the error came from one. */
  payload?: AppPayload;
  deliveryId?: string;
}

export type ErrorListener = (error: unknown, info: ErrorInfo) => void;

export interface DeliveryRunnerOptions {
  table: DispatchTable;
  middleware: readonly Middleware<AnyContext>[];
  credentials: BotCredentials;
  deduper: DeliveryDeduper;
  /** Ack an interactive trigger empty after this long if its handler has not answered. */
  autoAckAfterMs: number;
  reportError: (error: unknown, info: ErrorInfo) => void;
}

/**
 * The app core as a {@link ReceiverHost}: validates a delivery, answers it exactly once and
 * runs its listeners. Events are acked before their handlers (PROTOCOL.md 6.3); a trigger is
 * acked by its handler, nacked when the handler throws first, and acked empty after
 * `autoAckAfterMs` so the person never sees the offline message while a slow handler finishes.
 */
export class DeliveryRunner implements ReceiverHost {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: DeliveryRunnerOptions) {}

  reportError(error: unknown, info: ErrorInfo = {}): void {
    this.options.reportError(error, info);
  }

  async handle(delivery: Delivery, ack: AckFn): Promise<void> {
    const { deliveryId } = delivery;
    let answered = false;
    const answer = (reply: AckReply): boolean => {
      if (answered) return false;
      answered = true;
      // A nacked delivery may be retried by the platform; let the retry run.
      if (reply.status >= 300 && deliveryId) this.options.deduper.forget(deliveryId);
      ack(reply);
      return true;
    };
    try {
      if (deliveryId && this.options.deduper.isDuplicate(deliveryId)) {
        answer({ status: 200, body: {} });
        return;
      }
      const parsed = AppPayload.safeParse(delivery.payload);
      if (!parsed.success) {
        answer({ status: 400, body: { message: 'The payload does not match the protocol.' } });
        this.reportError(new Error(`Invalid payload: ${z.prettifyError(parsed.error)}`), { deliveryId });
        return;
      }
      const payload = parsed.data;
      if (isInteractivePayload(payload)) await this.runTrigger(payload, deliveryId, answer);
      else await this.runEvent(payload, deliveryId, answer);
    } catch (error) {
      // Only reachable through a bug or a throwing token store: still answer, never reject.
      answer({ status: 500, body: {} });
      this.reportError(error, { deliveryId });
    }
  }

  /** Clears pending auto-ack timers so a stopped app keeps the process alive no longer. */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async contextFor(payload: AppPayload, place: Place, deliveryId: string | undefined, answer: (reply: AckReply) => boolean) {
    const { credentials } = this.options;
    const bot = await credentials.bot(payload.workspaceId);
    const ctx: AnyContext = new DeliveryContext(payload, deliveryId, place, {
      answer,
      bot,
      missingBot: credentials.missingReason(payload.workspaceId),
      userClient: (workspaceId, userId) => credentials.user(workspaceId, userId),
    });
    return ctx;
  }

  private async runTrigger(payload: AppPayload, deliveryId: string | undefined, answer: (reply: AckReply) => boolean): Promise<void> {
    const timer = setTimeout(() => answer({ status: 200, body: {} }), this.options.autoAckAfterMs);
    timer.unref();
    this.timers.add(timer);
    try {
      const chains = this.options.table.get(routeKey(payload));
      const ctx = chains.length === 0 ? undefined : await this.contextFor(payload, placeOf(payload, undefined), deliveryId, answer);
      try {
        for (const chain of chains) await this.run(chain, ctx as AnyContext);
      } catch (error) {
        answer({ status: 500, body: {} });
        this.reportError(error, { payload, deliveryId });
        return;
      }
      if (!ctx || !wasHandled(ctx)) {
        answer({ status: 404, body: { message: 'This app does not handle that yet.' } });
        this.reportError(new Error(`No listener for ${routeKey(payload)}.`), { payload, deliveryId });
        return;
      }
      answer({ status: 200, body: {} });
    } finally {
      clearTimeout(timer);
      this.timers.delete(timer);
    }
  }

  private async runEvent(payload: AppPayload & { eventType: EventType; body: string }, deliveryId: string | undefined, answer: (reply: AckReply) => boolean) {
    answer({ status: 200, body: {} });
    const decoded = parseEventBody(payload.eventType, payload.body);
    if (!decoded.ok) {
      this.reportError(new Error(decoded.message), { payload, deliveryId });
      return;
    }
    const body = decoded.body as Record<string, unknown>;
    const chains = this.options.table.get(routeKey(payload));
    if (chains.length > 0) {
      const ctx = await this.contextFor({ ...payload, body } as unknown as AppPayload, placeOf(payload, body), deliveryId, answer);
      // One failing listener must not keep the others from seeing the event.
      for (const chain of chains) {
        await this.run(chain, ctx).catch((error: unknown) => this.reportError(error, { payload, deliveryId }));
      }
    }
    await this.forgetCredentials(payload.eventType, payload.workspaceId, body).catch((error: unknown) => this.reportError(error, { payload, deliveryId }));
  }

  private run(chain: Chain, ctx: AnyContext): Promise<void> {
    return runMiddleware(this.options.middleware.length === 0 ? chain : [...this.options.middleware, ...chain], ctx);
  }

  /** Uninstall / unauthorize end the tokens: drop them after the app's own listeners had a look. */
  private async forgetCredentials(eventType: EventType, workspaceId: string, body: Record<string, unknown>): Promise<void> {
    const store = this.options.credentials.store;
    if (!store) return;
    if (eventType === 'APP_UNINSTALLED') await store.deleteWorkspace(typeof body.workspace === 'string' ? body.workspace : workspaceId);
    if (eventType === 'APP_UNAUTHORIZED' && typeof body.workspaceUser === 'string') {
      await store.deleteUser(typeof body.workspace === 'string' ? body.workspace : workspaceId, body.workspaceUser);
    }
  }
}
