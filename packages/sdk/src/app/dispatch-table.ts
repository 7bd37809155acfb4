import type { AppPayload, WebhookEvent, WebhookEventName } from '@switchboard/protocol';
import type { DeliveryContext, Place } from './context.js';
import type { Middleware } from './middleware.js';

/**
 * The one dispatch table both the builder (`app.command(...)`) and the declarative form
 * (`slashCommands: [...]`) compile to: route key → listeners, each a middleware chain.
 */

// Internally every chain takes the shared context class; the typed per-trigger interfaces are views of it.
export type AnyContext = DeliveryContext<object>;
export type Chain = readonly Middleware<AnyContext>[];

/**
 * The route key of a payload. Commands compare case-insensitively, as the manifest does.
 * @example routeKey({ messageType: 'SLASH_COMMAND', slashCommand: '/Echo', ... }) // "command:/echo"
 */
export function routeKey(payload: AppPayload): string {
  switch (payload.messageType) {
    case 'SLASH_COMMAND':
      return commandKey(payload.slashCommand);
    case 'SHORTCUT':
      return `shortcut:${payload.shortcut}`;
    case 'PUMBLE_EVENT':
    case 'APP_EVENT':
      return `event:${payload.eventType}`;
    case 'BLOCK_INTERACTION':
      return `action:${payload.onAction}`;
    case 'VIEW_ACTION':
      return 'view';
    case 'DYNAMIC_MENU':
      return `menu:${payload.onAction}`;
  }
}

/** @example commandKey('/Echo') // "command:/echo" */
export function commandKey(command: string): string {
  return `command:${command.toLowerCase()}`;
}

/** @example webhookKey('message-created') // "webhook:message-created" */
export function webhookKey(name: WebhookEventName): string {
  return `webhook:${name}`;
}

/**
 * Where a webhook event happened: its fields already have the names a {@link Place} uses.
 * @example webhookPlaceOf(event).channelId
 */
export function webhookPlaceOf(event: WebhookEvent): Place {
  // Loose objects: fields other events lack read as unknown, so each is checked to be a string.
  const field = (key: 'userId' | 'threadRootId' | 'messageId') => {
    const value = (event as Record<string, unknown>)[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  return {
    workspaceId: event.workspaceId,
    channelId: event.channelId,
    userId: field('userId'),
    threadRootId: field('threadRootId'),
    messageId: field('messageId'),
  };
}

/**
 * Where a delivery happened. `body` is the decoded event body for events.
 * @example placeOf(payload, undefined).channelId
 */
export function placeOf(payload: AppPayload, body: Record<string, unknown> | undefined): Place {
  if (body) {
    const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
    return {
      workspaceId: payload.workspaceId,
      channelId: text('cId'),
      userId: text('aId') ?? text('uId'),
      threadRootId: text('trId') || undefined,
      messageId: text('mId'),
    };
  }
  const fields = payload as Partial<Record<'channelId' | 'userId' | 'threadRootId' | 'messageId', string>>;
  return {
    workspaceId: payload.workspaceId,
    channelId: fields.channelId,
    userId: fields.userId,
    threadRootId: fields.threadRootId || undefined,
    messageId: fields.messageId ?? (payload.messageType === 'BLOCK_INTERACTION' && payload.sourceType !== 'VIEW' ? payload.sourceId : undefined),
  };
}

export class DispatchTable {
  private readonly listeners = new Map<string, Chain[]>();

  /** @example table.add('command:/echo', [markHandled, handler]) */
  add(key: string, chain: Chain): void {
    const list = this.listeners.get(key);
    if (list) list.push(chain);
    else this.listeners.set(key, [chain]);
  }

  /** @example for (const chain of table.get(routeKey(payload))) await runMiddleware(chain, ctx); */
  get(key: string): readonly Chain[] {
    return this.listeners.get(key) ?? [];
  }

  /** Route keys with their listener counts, sorted: a readable summary, and what tests compare. */
  describe(): string[] {
    return [...this.listeners].map(([key, chains]) => `${key} x${chains.length}`).sort();
  }
}
