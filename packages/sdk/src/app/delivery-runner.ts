import { AppPayload, type EventType, isInteractivePayload, parseEventBody, WebhookEvent } from '@switchboard/protocol';
import { z } from 'zod';
import type { DeliveryDeduper } from '../delivery-deduper.js';
import type { AckFn, Delivery, ReceiverHost } from '../receivers/receiver.js';
import type { BotCredentials } from './bot-credentials.js';
import { DeliveryContext } from './context.js';
import { type AnyContext, type Chain, type DispatchTable, placeOf, routeKey, webhookKey, webhookPlaceOf } from './dispatch-table.js';
import { wasHandled } from './listener-chains.js';
import { type Middleware, runMiddleware } from './middleware.js';
import { EMPTY_ACK, PendingDelivery, type SharedRunnerState } from './pending-delivery.js';

/** What an error listener learns besides the error. */
export interface ErrorInfo {
  /** The delivery being handled, when the error came from one. */
  payload?: AppPayload | WebhookEvent;
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
  private readonly shared: SharedRunnerState;

  constructor(private readonly options: DeliveryRunnerOptions) {
    this.shared = { ...options, timers: new Set() };
  }

  reportError(error: unknown, info: ErrorInfo = {}): void {
    this.options.reportError(error, info);
  }

  async handle(delivery: Delivery, ack: AckFn): Promise<void> {
    const { deliveryId } = delivery;
    const pending = new PendingDelivery(this.shared, ack, deliveryId);
    try {
      if (deliveryId && this.options.deduper.isDuplicate(deliveryId)) {
        pending.answer(EMPTY_ACK);
        return;
      }
      if (delivery.scheme === 'watson') {
        await this.runWebhook(delivery.payload, pending);
        return;
      }
      const parsed = AppPayload.safeParse(delivery.payload);
      if (!parsed.success) {
        pending.answer({ status: 400, body: { message: 'The payload does not match the protocol.' } });
        this.reportError(new Error(`Invalid payload: ${z.prettifyError(parsed.error)}`), { deliveryId });
        return;
      }
      const payload = parsed.data;
      if (isInteractivePayload(payload)) await this.runTrigger(payload, pending);
      else await this.runEvent(payload, pending);
    } catch (error) {
      // Only reachable through a bug or a throwing token store: still answer, never reject.
      pending.answer({ status: 500, body: {} });
      this.reportError(error, { deliveryId });
    } finally {
      pending.disarm();
    }
  }

  /** Clears pending auto-ack timers so a stopped app keeps the process alive no longer. */
  stop(): void {
    for (const timer of this.shared.timers) clearTimeout(timer);
    this.shared.timers.clear();
  }

  /** Looks the bot up only when there is a store: without one the context is built with no await. */
  private async loadBot(pending: PendingDelivery, workspaceId: string): Promise<void> {
    pending.bot = await this.options.credentials.bot(workspaceId);
  }

  private async runTrigger(payload: AppPayload, pending: PendingDelivery): Promise<void> {
    const { deliveryId } = pending;
    const chains = this.options.table.get(routeKey(payload));
    let ctx: AnyContext | undefined;
    if (chains.length > 0) {
      if (this.options.credentials.store) {
        pending.armAutoAck();
        await this.loadBot(pending, payload.workspaceId);
      }
      ctx = new DeliveryContext(payload, deliveryId, placeOf(payload, undefined), pending);
      try {
        for (const chain of chains) {
          const running = this.run(chain, ctx);
          // A handler that acked synchronously (the usual case) needs no auto-ack timer.
          pending.armAutoAck();
          await running;
        }
      } catch (error) {
        pending.answer({ status: 500, body: {} });
        this.reportError(error, { payload, deliveryId });
        return;
      }
    }
    if (!ctx || !wasHandled(ctx)) {
      pending.answer({ status: 404, body: { message: 'This app does not handle that yet.' } });
      this.reportError(new Error(`No listener for ${routeKey(payload)}.`), { payload, deliveryId });
      return;
    }
    pending.answer(EMPTY_ACK);
  }

  private async runEvent(payload: AppPayload & { eventType: EventType; body: string }, pending: PendingDelivery) {
    const { deliveryId } = pending;
    pending.answer(EMPTY_ACK);
    const decoded = parseEventBody(payload.eventType, payload.body);
    if (!decoded.ok) {
      this.reportError(new Error(decoded.message), { payload, deliveryId });
      return;
    }
    const body = decoded.body as Record<string, unknown>;
    const chains = this.options.table.get(routeKey(payload));
    if (chains.length > 0) {
      if (this.options.credentials.store) await this.loadBot(pending, payload.workspaceId);
      const ctx: AnyContext = new DeliveryContext({ ...payload, body }, deliveryId, placeOf(payload, body), pending);
      // One failing listener must not keep the others from seeing the event.
      for (const chain of chains) {
        await this.run(chain, ctx).catch((error: unknown) => this.reportError(error, { payload, deliveryId }));
      }
    }
    await this.forgetCredentials(payload.eventType, payload.workspaceId, body).catch((error: unknown) => this.reportError(error, { payload, deliveryId }));
  }

  /** A Watson webhook event (PROTOCOL.md 8): acked at once (the platform wants 2xx within 3 s), then its listeners. */
  private async runWebhook(raw: unknown, pending: PendingDelivery): Promise<void> {
    const { deliveryId } = pending;
    const parsed = WebhookEvent.safeParse(raw);
    if (!parsed.success) {
      pending.answer({ status: 400, body: { message: 'The payload is not a known webhook event.' } });
      this.reportError(new Error(`Invalid webhook event: ${z.prettifyError(parsed.error)}`), { deliveryId });
      return;
    }
    pending.answer(EMPTY_ACK);
    const event = parsed.data;
    const chains = this.options.table.get(webhookKey(event.type));
    if (chains.length === 0) return;
    if (this.options.credentials.store) await this.loadBot(pending, event.workspaceId);
    const ctx: AnyContext = new DeliveryContext(event, deliveryId, webhookPlaceOf(event), pending);
    for (const chain of chains) {
      await this.run(chain, ctx).catch((error: unknown) => this.reportError(error, { payload: event, deliveryId }));
    }
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
