import { z } from 'zod';
import { ChannelType } from './chat.js';
import type { EventType } from './event-types.js';

/**
 * Watson-style webhook events (PROTOCOL.md 8, seed 003): the names a webhook subscribes to, the
 * platform event each is made from, and the flat JSON each delivery carries. The platform builds
 * them, the SDK's `app.webhook(...)` listens to them: one definition for both sides.
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

/** @example isWebhookEventName('message-created') // true */
export function isWebhookEventName(name: unknown): name is WebhookEventName {
  return typeof name === 'string' && Object.hasOwn(WEBHOOK_EVENTS, name);
}

// Loose objects, like the app payloads: a newer platform may add fields without breaking an app.
const where = {
  channelId: z.string(),
  spaceId: z.string().describe('Watson name of the channel; equals channelId'),
  workspaceId: z.string(),
  time: z.number().describe('Epoch ms'),
};
const message = {
  ...where,
  messageId: z.string(),
  threadRootId: z.string().optional().describe('Present for messages in a thread'),
};
const posted = { ...message, userId: z.string().describe('The author'), content: z.string().describe('The message text') };

export const WebhookMessageCreated = z.looseObject({ type: z.literal('message-created'), ...posted });
export const WebhookMessageEdited = z.looseObject({ type: z.literal('message-edited'), ...posted });
export const WebhookMessageDeleted = z.looseObject({ type: z.literal('message-deleted'), ...message });
export const WebhookReactionAdded = z.looseObject({
  type: z.literal('reaction-added'),
  ...where,
  messageId: z.string(),
  userId: z.string().describe('Who reacted'),
  reaction: z.string().describe('The reaction code, e.g. ":thumbsup:"'),
  messageAuthorId: z.string(),
});
export const WebhookSpaceCreated = z.looseObject({
  type: z.literal('space-created'),
  ...where,
  spaceName: z.string().optional(),
  spaceType: ChannelType,
  memberIds: z.array(z.string()),
});
export const WebhookSpaceArchived = z.looseObject({ type: z.literal('space-archived'), ...where, memberIds: z.array(z.string()) });

/** Any webhook event delivery (not the enable-time verification challenge). */
export const WebhookEvent = z.discriminatedUnion('type', [
  WebhookMessageCreated,
  WebhookMessageEdited,
  WebhookMessageDeleted,
  WebhookReactionAdded,
  WebhookSpaceCreated,
  WebhookSpaceArchived,
]);
export type WebhookEvent = z.infer<typeof WebhookEvent>;

/** The payload of one webhook event, by name. @example const e: WebhookEventOf<'message-created'> = …; e.content */
export type WebhookEventOf<N extends WebhookEventName> = Extract<WebhookEvent, { type: N }>;
