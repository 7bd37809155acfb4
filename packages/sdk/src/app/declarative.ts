import type { EventType, WebhookEventName } from '@switchboard/protocol';
import type { ActionContext, CommandContext, EventContext, ShortcutContext, ViewContext, WebhookContext } from './context.js';
import type { MenuProducer, MessageEventOptions } from './listener-chains.js';

/**
 * The declarative form of seed 000: listeners listed in the app definition. `registerDeclarative`
 * feeds each entry to the same builder methods (`app.command`, …), so both forms compile to
 * one dispatch table and are validated identically.
 */

export type Handler<C> = (ctx: C) => unknown;

/** One entry per event; `T` ties the handler's context to the event name. */
export type EventListenerSpec = { [T in EventType]: { name: T; handler: Handler<EventContext<T>> } & MessageEventOptions }[EventType];

/** One entry per webhook event (PROTOCOL.md 8); `N` ties the handler's context to the name. */
export type WebhookListenerSpec = {
  [N in WebhookEventName]: { name: N; handler: Handler<WebhookContext<N>> } & MessageEventOptions;
}[WebhookEventName];

export interface DeclarativeListeners {
  slashCommands?: readonly { command: string; handler: Handler<CommandContext> }[];
  shortcuts?: readonly { name: string; handler: Handler<ShortcutContext> }[];
  events?: readonly EventListenerSpec[];
  blockInteractions?: readonly { onAction: string; handler: Handler<ActionContext> }[];
  /** View handlers keyed by `callbackId` (`'*'` for any). */
  viewAction?: { onSubmit?: Readonly<Record<string, Handler<ViewContext>>>; onClose?: Readonly<Record<string, Handler<ViewContext>>> };
  dynamicMenus?: readonly { onAction: string; producer: MenuProducer }[];
  /** Watson-style webhook events, for an app that registered a webhook (needs `webhookSecret`). */
  webhooks?: readonly WebhookListenerSpec[];
}

/** The builder surface the declarative form needs; `App` implements it. */
export interface ListenerBuilder {
  command(command: string, handler: Handler<CommandContext>): unknown;
  shortcut(name: string, handler: Handler<ShortcutContext>): unknown;
  event<T extends EventType>(name: T, options: MessageEventOptions, handler: Handler<EventContext<T>>): unknown;
  action(onAction: string, handler: Handler<ActionContext>): unknown;
  view(filter: { callbackId?: string; viewActionType?: 'SUBMIT' | 'CLOSE' }, handler: Handler<ViewContext>): unknown;
  menu(onAction: string, producer: MenuProducer): unknown;
  webhook<N extends WebhookEventName>(name: N, options: MessageEventOptions, handler: Handler<WebhookContext<N>>): unknown;
}

/**
 * @example
 * registerDeclarative(app, { slashCommands: [{ command: '/echo', handler: (ctx) => ctx.ack(ctx.payload.text) }] });
 */
export function registerDeclarative(app: ListenerBuilder, listeners: DeclarativeListeners): void {
  for (const { command, handler } of listeners.slashCommands ?? []) app.command(command, handler);
  for (const { name, handler } of listeners.shortcuts ?? []) app.shortcut(name, handler);
  for (const spec of listeners.events ?? []) {
    const { name, handler, ...options } = spec;
    app.event(name, options, handler as Handler<EventContext>);
  }
  for (const { onAction, handler } of listeners.blockInteractions ?? []) app.action(onAction, handler);
  for (const [viewActionType, byCallback] of [
    ['SUBMIT', listeners.viewAction?.onSubmit],
    ['CLOSE', listeners.viewAction?.onClose],
  ] as const) {
    for (const [callbackId, handler] of Object.entries(byCallback ?? {})) {
      app.view(callbackId === '*' ? { viewActionType } : { callbackId, viewActionType }, handler);
    }
  }
  for (const { onAction, producer } of listeners.dynamicMenus ?? []) app.menu(onAction, producer);
  for (const spec of listeners.webhooks ?? []) {
    const { name, handler, ...options } = spec;
    app.webhook(name, options, handler as Handler<WebhookContext>);
  }
}
