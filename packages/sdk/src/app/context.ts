import type {
  BlockInteractionPayload,
  DynamicMenuPayload,
  EventBody,
  EventType,
  Message,
  ModalAction,
  ShortcutPayload,
  SlashCommandPayload,
  View,
  ViewActionPayload,
  ViewErrorsReply,
  WebhookEventName,
  WebhookEventOf,
} from '@switchboard/protocol';
import type { ApiClient, MessageContent } from '../client/index.js';
import type { AckReply } from '../receivers/receiver.js';

/** An event payload with its `body` decoded and typed for `T` (it travels as a JSON string). */
export interface EventPayload<T extends EventType = EventType> {
  messageType: 'PUMBLE_EVENT' | 'APP_EVENT';
  eventType: T;
  workspaceId: string;
  workspaceUserIds: string[];
  body: EventBody<T>;
}

/** What every listener gets. */
export interface BaseContext<P> {
  /** The delivery, validated against its protocol schema. */
  readonly payload: P;
  /** `x-switchboard-delivery-id`, the same on every retry, when the platform sent one. */
  readonly deliveryId: string | undefined;
  /** The bot's API client for the payload's workspace. Throws when there is no token store or no bot token. */
  readonly client: ApiClient;
  /** The bot's user id in this workspace, when the token store knows it. */
  readonly botUserId: string | undefined;
  /** A client acting as a person who authorized the app (default: the person who triggered). */
  userClient(userId?: string): Promise<ApiClient>;
  /** Acknowledge; `message` is shown to the person as an ephemeral message. Only the first answer counts. */
  ack(message?: string): void;
  /** Refuse (non-2xx); `message` is shown to the person. */
  nack(message?: string): void;
  /** Posts in the channel as the bot. */
  say(content: MessageContent | string): Promise<Message>;
  /** Answers where the trigger happened: in its thread when there is one, else in the channel. */
  respond(content: MessageContent | string): Promise<Message>;
  /** Replies in a thread: the trigger's thread, or one started on the message the trigger is about. */
  reply(content: MessageContent | string): Promise<Message>;
  /** Posts a message only `userIds` (default: the person who triggered) can see. */
  ephemeral(content: MessageContent | string, userIds?: readonly string[]): Promise<Message>;
}

/** Triggers that carry a `triggerId` may answer with a modal instead of a plain ack. */
export interface ModalCapable {
  /** Acks with a modal (PROTOCOL.md 6.3). @example ctx.openModal({ type: 'MODAL', callbackId: 'feedback', blocks: [] }) */
  openModal(view: View, action?: ModalAction): void;
}

export interface CommandContext extends BaseContext<SlashCommandPayload>, ModalCapable {}
export interface ShortcutContext extends BaseContext<ShortcutPayload>, ModalCapable {}
export interface ViewContext extends BaseContext<ViewActionPayload>, ModalCapable {
  /**
   * Refuses a submit with a message per block id; the view stays open showing them (Switchboard;
   * a Pumble platform ignores it and closes the view).
   * @example if (!ctx.payload.view.state?.values.reason?.text) return ctx.showErrors({ reason: 'Say why' });
   */
  showErrors(errors: Record<string, string>): void;
}
export interface MenuContext extends BaseContext<DynamicMenuPayload> {}
export interface ActionContext extends BaseContext<BlockInteractionPayload>, ModalCapable {
  /** `payload.payload` decoded from JSON (the value entered or selected); the raw string when it is not JSON. */
  readonly value: unknown;
}
export interface EventContext<T extends EventType = EventType> extends BaseContext<EventPayload<T>> {
  /** The `match` option's result on the message text, for message events registered with one. */
  match: RegExpMatchArray | undefined;
}

/**
 * A Watson webhook event (PROTOCOL.md 8). Acked before the handler runs, like events; `say`,
 * `reply` and `ephemeral` act in the event's channel through the bot client.
 */
export interface WebhookContext<N extends WebhookEventName = WebhookEventName> extends BaseContext<WebhookEventOf<N>> {
  /** The `match` option's result on the message content, for message webhooks registered with one. */
  match: RegExpMatchArray | undefined;
}

/** Where a delivery happened, gathered once so the reply helpers need no per-trigger code. */
export interface Place {
  workspaceId: string;
  channelId?: string;
  userId?: string;
  threadRootId?: string;
  /** The message a trigger is about (an ON_MESSAGE shortcut, a message event). */
  messageId?: string;
}

/** What a context needs from the core; one object per delivery implements it. */
export interface ContextDeps {
  /** Sends the delivery's answer; false when one was already sent. */
  answer(reply: AckReply): boolean;
  readonly bot: { client: ApiClient; userId: string | undefined } | undefined;
  /** Why `client` is unavailable, for the error thrown when it is used anyway. */
  missingBot(workspaceId: string): string;
  userClient(workspaceId: string, userId: string): Promise<ApiClient>;
}

/**
 * The one context implementation behind every per-trigger interface above: the helpers only
 * differ in the {@link Place} they read, so there is no copy per trigger type.
 */
export class DeliveryContext<P extends object> {
  match: RegExpMatchArray | undefined;
  /** @internal Set when some listener's filters let the delivery through (see listener-chains). */
  handled = false;

  constructor(
    readonly payload: P,
    readonly deliveryId: string | undefined,
    private readonly place: Place,
    private readonly deps: ContextDeps,
  ) {}

  get client(): ApiClient {
    if (!this.deps.bot) throw new Error(this.deps.missingBot(this.place.workspaceId));
    return this.deps.bot.client;
  }

  get botUserId(): string | undefined {
    return this.deps.bot?.userId;
  }

  get value(): unknown {
    const raw = (this.payload as { payload?: unknown }).payload;
    if (typeof raw !== 'string') return raw;
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }

  userClient(userId = this.place.userId): Promise<ApiClient> {
    if (!userId) return Promise.reject(new Error('This delivery names no person; pass a user id.'));
    return this.deps.userClient(this.place.workspaceId, userId);
  }

  ack(message?: string): void {
    this.deps.answer({ status: 200, body: message === undefined ? {} : { message } });
  }

  nack(message?: string): void {
    this.deps.answer({ status: 400, body: message === undefined ? {} : { message } });
  }

  openModal(view: View, action: ModalAction = 'OPEN'): void {
    const triggerId = (this.payload as { triggerId?: string }).triggerId ?? '';
    this.deps.answer({ status: 200, body: { triggerId, view, viewType: 'NATIVE', action } });
  }

  showErrors(errors: Record<string, string>): void {
    const body: ViewErrorsReply = { errors };
    this.deps.answer({ status: 200, body });
  }

  say(content: MessageContent | string): Promise<Message> {
    return this.client.messages.post(this.channel(), content);
  }

  respond(content: MessageContent | string): Promise<Message> {
    const root = this.place.threadRootId;
    return root ? this.client.messages.reply(this.channel(), root, content) : this.say(content);
  }

  reply(content: MessageContent | string): Promise<Message> {
    const root = this.place.threadRootId || this.place.messageId;
    return root ? this.client.messages.reply(this.channel(), root, content) : this.say(content);
  }

  ephemeral(content: MessageContent | string, userIds?: readonly string[]): Promise<Message> {
    const to = userIds ?? (this.place.userId ? [this.place.userId] : []);
    if (to.length === 0) return Promise.reject(new Error('ephemeral(): this delivery names no person; pass userIds.'));
    return this.client.messages.postEphemeral(this.channel(), content, to, { threadRootId: this.place.threadRootId || undefined });
  }

  /** @internal Answers with a raw reply (dynamic menus). */
  answer(reply: AckReply): boolean {
    return this.deps.answer(reply);
  }

  private channel(): string {
    // Views and menus outside a channel have none: say so instead of posting to "undefined".
    if (!this.place.channelId) throw new Error('This delivery has no channel to post in.');
    return this.place.channelId;
  }
}
