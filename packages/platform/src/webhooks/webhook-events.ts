import type { EventType } from '@switchboard/protocol';
import type { AppEventDraft } from '../events/event-bodies.js';

/**
 * Watson event names a webhook subscribes to, and the platform event each one is made from:
 *
 * | Watson name      | platform event    | payload (flat JSON, besides `type`)                                              |
 * |------------------|-------------------|----------------------------------------------------------------------------------|
 * | message-created  | NEW_MESSAGE       | messageId, channelId, spaceId (= channelId), workspaceId, userId (author), content, threadRootId?, time (ms of the post) |
 * | message-edited   | UPDATED_MESSAGE   | same as message-created; time = when it was edited                               |
 * | message-deleted  | DELETED_MESSAGE   | messageId, channelId, spaceId, workspaceId, threadRootId?, time                  |
 * | reaction-added   | REACTION_ADDED    | messageId, channelId, spaceId, workspaceId, userId (who reacted), reaction, messageAuthorId, time |
 * | space-created    | CHANNEL_CREATED   | channelId, spaceId, workspaceId, spaceName, spaceType, memberIds, time           |
 * | space-archived   | CHANNEL_ARCHIVED  | channelId, spaceId, workspaceId, memberIds, time                                 |
 */
export const WEBHOOK_EVENTS = {
  'message-created': 'NEW_MESSAGE',
  'message-edited': 'UPDATED_MESSAGE',
  'message-deleted': 'DELETED_MESSAGE',
  'reaction-added': 'REACTION_ADDED',
  'space-created': 'CHANNEL_CREATED',
  'space-archived': 'CHANNEL_ARCHIVED',
} as const satisfies Record<string, EventType>;

export type WebhookEventName = keyof typeof WEBHOOK_EVENTS;

export const WEBHOOK_EVENT_NAMES = Object.keys(WEBHOOK_EVENTS) as [WebhookEventName, ...WebhookEventName[]];

const nameOf = new Map<EventType, WebhookEventName>(Object.entries(WEBHOOK_EVENTS).map(([name, type]) => [type, name as WebhookEventName]));

/** The Watson name of a platform event, if webhooks can subscribe to it. */
export function webhookEventName(eventType: EventType): WebhookEventName | undefined {
  return nameOf.get(eventType);
}

/** The flat Watson-style payload of an event (see the table above); `now` stamps events without a time of their own. */
export function webhookPayload(draft: AppEventDraft, workspaceId: string, now: number): Record<string, unknown> | undefined {
  const type = webhookEventName(draft.eventType);
  if (!type) return undefined;
  const b = draft.body;
  const where = { channelId: b.cId, spaceId: b.cId, workspaceId };
  const thread = typeof b.trId === 'string' && b.trId !== '' ? { threadRootId: b.trId } : {};
  switch (draft.eventType) {
    case 'NEW_MESSAGE':
    case 'UPDATED_MESSAGE':
      return {
        type,
        messageId: b.mId,
        ...where,
        userId: b.aId,
        content: b.tx,
        ...thread,
        time: draft.eventType === 'NEW_MESSAGE' && typeof b.tsm === 'number' ? b.tsm : now,
      };
    case 'DELETED_MESSAGE':
      return { type, messageId: b.mId, ...where, ...thread, time: now };
    case 'REACTION_ADDED':
      return { type, messageId: b.mId, ...where, userId: b.uId, reaction: b.rc, messageAuthorId: b.mat, time: now };
    case 'CHANNEL_CREATED':
      return { type, ...where, spaceName: b.cN, spaceType: b.cT, memberIds: b.cU ?? [], time: now };
    case 'CHANNEL_ARCHIVED':
      return { type, ...where, memberIds: b.m ?? [], time: now };
    default:
      return undefined;
  }
}
