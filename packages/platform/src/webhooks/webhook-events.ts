import { type EventType, WEBHOOK_EVENTS, type WebhookEventName } from '@switchboard/protocol';
import type { AppEventDraft } from '../events/event-bodies.js';

/** The Watson event names and their payloads are defined once, in protocol (shared with the SDK). */
export { WEBHOOK_EVENT_NAMES, WEBHOOK_EVENTS, type WebhookEventName } from '@switchboard/protocol';

const nameOf = new Map<EventType, WebhookEventName>(Object.entries(WEBHOOK_EVENTS).map(([name, type]) => [type, name as WebhookEventName]));

/** The Watson name of a platform event, if webhooks can subscribe to it. */
export function webhookEventName(eventType: EventType): WebhookEventName | undefined {
  return nameOf.get(eventType);
}

/** The flat Watson-style payload of an event (see the table in protocol's webhook-events.ts); `now` stamps events without a time of their own. */
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
