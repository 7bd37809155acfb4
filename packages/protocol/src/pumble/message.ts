import { z } from 'zod';

/**
 * What the official Pumble SDK reads back (pumble-sdk `api/v1/types.ts`), field for field.
 * These are the SDK's view: fields it declares required are required, the rest optional.
 * The conformance suite checks every answer of the platform against them.
 */

export const PumbleMessageReaction = z.object({ user: z.string(), code: z.string() }).describe('One per person and code');

export const PumbleThreadRootInfo = z.object({
  repliesCount: z.number().int().optional(),
  repliers: z.array(z.string()).optional(),
  lastReplyTimestamp: z.string().optional(),
  lastReplyTimestampMilli: z.number().int().optional(),
  lastMarkTimestamp: z.string().optional(),
  lastMarkTimestampMilli: z.number().int().optional(),
  isFollowing: z.boolean().optional(),
});

export const PumbleThreadReplyInfo = z.object({
  rootId: z.string().optional(),
  replySentToChannel: z.boolean().optional(),
  rootText: z.string().optional(),
});

export const PumbleMessage = z.object({
  id: z.string(),
  workspaceId: z.string(),
  channelId: z.string(),
  author: z.string(),
  text: z.string().optional(),
  timestamp: z.string().optional(),
  timestampMilli: z.number().int().optional(),
  subtype: z.string().optional(),
  reactions: z.array(PumbleMessageReaction).optional(),
  threadRootInfo: PumbleThreadRootInfo.optional(),
  threadReplyInfo: PumbleThreadReplyInfo.optional(),
  files: z.array(z.unknown()).optional(),
  deleted: z.boolean().optional(),
  edited: z.boolean().optional(),
  attachments: z.array(z.record(z.string(), z.unknown())).optional(),
  blocks: z.array(z.unknown()).optional(),
});
export type PumbleMessage = z.infer<typeof PumbleMessage>;

/** `fetchMessages` reads `{messages}`; the paging flags are optional in the SDK. */
export const PumbleMessages = z.object({
  messages: z.array(PumbleMessage).optional(),
  hasMoreBefore: z.boolean().optional(),
  hasMoreAfter: z.boolean().optional(),
});

/** `fetchThreadReplies` answers a bare array of messages. */
export const PumbleThreadReplies = z.array(PumbleMessage);

/** `editEphemeralMessage` body: the ephemeral key says who sees the new version. */
export const PumbleEditEphemeralBody = z.object({
  text: z.string(),
  blocks: z.array(z.unknown()).optional(),
  attachments: z.array(z.unknown()).optional(),
  ephemeral: z.object({ threadRootId: z.string().optional(), sendToUsers: z.array(z.string()) }),
});
