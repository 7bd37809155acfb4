import type { MenuOption, ViewActionType } from '@switchboard/protocol';
import { AppConfigError } from './config-error.js';
import type { MenuContext, ViewContext } from './context.js';
import type { AnyContext, Chain } from './dispatch-table.js';
import type { Middleware } from './middleware.js';

/**
 * Builds listener chains: routing filters first, then a marker, then the user's middleware.
 * The marker records that a filter let the delivery through, so a trigger that no listener
 * accepted is answered "not handled" instead of silently acked.
 */

/** Whether some listener's filters let this context through. @example if (!wasHandled(ctx)) ctx.nack(); */
export function wasHandled(ctx: AnyContext): boolean {
  return ctx.handled;
}

const markHandled: Middleware<AnyContext> = (ctx, next) => {
  ctx.handled = true;
  return next();
};

/**
 * @example chainOf([textFilter(/^hi/)], [handler])
 */
export function chainOf<C>(filters: readonly Middleware<AnyContext>[], handlers: readonly Middleware<C>[]): Chain {
  if (handlers.length === 0) throw new TypeError('A listener needs at least one handler.');
  for (const handler of handlers) if (typeof handler !== 'function') throw new TypeError('Listener handlers must be functions.');
  // The typed context interfaces are views of AnyContext, so this widening is sound at run time.
  return [...filters, markHandled, ...(handlers as unknown as readonly Middleware<AnyContext>[])];
}

export interface MessageEventOptions {
  /** Only messages whose text contains this string or matches this pattern; the match lands in `ctx.match`. */
  match?: string | RegExp;
  /** Also run for messages this app's bot wrote. Default false, so a bot never answers itself in a loop. */
  includeBotMessages?: boolean;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Message events carry text and author as body.tx / body.aId; message webhooks as content / userId.
type MessageShapes = { body?: { tx?: unknown; aId?: unknown }; content?: unknown; userId?: unknown };

function messageText(ctx: AnyContext): string | undefined {
  const payload = ctx.payload as MessageShapes;
  const text = payload.body ? payload.body.tx : payload.content;
  return typeof text === 'string' ? text : undefined;
}

function messageAuthor(ctx: AnyContext): unknown {
  const payload = ctx.payload as MessageShapes;
  return payload.body ? payload.body.aId : payload.userId;
}

/** @example textFilter('deploy') */
export function textFilter(match: string | RegExp): Middleware<AnyContext> {
  // Without the global flag, so `match()` returns groups and repeated use keeps no lastIndex.
  const pattern = typeof match === 'string' ? new RegExp(escapeRegExp(match)) : new RegExp(match.source, match.flags.replace(/[gy]/g, ''));
  return (ctx, next) => {
    const found = messageText(ctx)?.match(pattern);
    if (!found) return;
    ctx.match = found;
    return next();
  };
}

/** Drops messages written by this app's own bot (known from the token store). */
export const skipOwnBotMessages: Middleware<AnyContext> = (ctx, next) => {
  if (ctx.botUserId !== undefined && messageAuthor(ctx) === ctx.botUserId) return;
  return next();
};

/**
 * The filters a listener's `match` / `includeBotMessages` options stand for. Refuses unknown
 * options, and these two on anything but a message listener (`what` names it in the error).
 * @example messageFilters('event NEW_MESSAGE', true, { match: /^hi/ }) // [skipOwnBotMessages, textFilter(/^hi/)]
 */
export function messageFilters(what: string, isMessage: boolean, options: MessageEventOptions, messageNames: string): Middleware<AnyContext>[] {
  const unknown = Object.keys(options).filter((key) => key !== 'match' && key !== 'includeBotMessages');
  if (unknown.length > 0) throw new AppConfigError([`Unknown option(s) for ${what}: ${unknown.join(', ')}.`]);
  if ((options.match !== undefined || options.includeBotMessages !== undefined) && !isMessage) {
    throw new AppConfigError([`match and includeBotMessages only apply to ${messageNames}, not ${what}.`]);
  }
  const filters: Middleware<AnyContext>[] = [];
  if (isMessage && !options.includeBotMessages) filters.push(skipOwnBotMessages);
  if (options.match !== undefined) filters.push(textFilter(options.match));
  return filters;
}

export interface ViewFilter {
  /** Only views with this `callbackId` (exact, or matching the pattern). */
  callbackId?: string | RegExp;
  /** Only submits or only closes. */
  viewActionType?: ViewActionType;
}

/** @example viewFilter({ callbackId: 'feedback', viewActionType: 'SUBMIT' }) */
export function viewFilter(filter: ViewFilter): Middleware<AnyContext> {
  return (ctx, next) => {
    const payload = (ctx as unknown as ViewContext).payload;
    const id = payload.view.callbackId ?? '';
    if (filter.viewActionType && payload.viewActionType !== filter.viewActionType) return;
    if (typeof filter.callbackId === 'string' && id !== filter.callbackId) return;
    if (filter.callbackId instanceof RegExp && !new RegExp(filter.callbackId.source, filter.callbackId.flags.replace(/[gy]/g, '')).test(id)) return;
    return next();
  };
}

/** Produces a dynamic menu's options for the person's query. */
export type MenuProducer = (ctx: MenuContext) => readonly MenuOption[] | Promise<readonly MenuOption[]>;

/** Wraps a producer as the last step of a menu chain: its result is the reply (PROTOCOL.md 6.3). */
export function menuHandler(producer: MenuProducer): Middleware<MenuContext> {
  if (typeof producer !== 'function') throw new TypeError('A dynamic menu needs a producer function.');
  return async (ctx) => {
    const options = await producer(ctx);
    const { onAction, triggerId } = ctx.payload;
    (ctx as unknown as AnyContext).answer({ status: 200, body: { onAction, options: [...options], triggerId } });
  };
}
