import { z } from 'zod';

/** Wire shapes of the chat objects (PROTOCOL.md section 5, Pumble field names). */

export const ChannelType = z.enum(['SELF', 'DIRECT', 'PUBLIC', 'PRIVATE']);
export type ChannelType = z.infer<typeof ChannelType>;

export const WorkspaceRole = z.enum(['owner', 'admin', 'member', 'bot']);
export type WorkspaceRole = z.infer<typeof WorkspaceRole>;

/** One per person and code, as Pumble sends them (`MessageReaction`). */
export const Reaction = z.object({ user: z.string(), code: z.string() });

export const Message = z.object({
  id: z.string(),
  workspaceId: z.string(),
  channelId: z.string(),
  author: z.string(),
  text: z.string(),
  timestamp: z.string().describe('ISO 8601'),
  timestampMilli: z.number().int(),
  subtype: z.string().optional(),
  reactions: z.array(Reaction).optional(),
  threadRootInfo: z
    .object({ repliesCount: z.number().int(), lastReplyTimestamp: z.string().optional(), lastReplyTimestampMilli: z.number().int().optional() })
    .optional()
    .describe('Present on thread roots with replies'),
  threadReplyInfo: z.object({ rootId: z.string() }).optional().describe('Present on replies'),
  files: z.array(z.unknown()).optional(),
  deleted: z.boolean().optional(),
  edited: z.boolean().optional(),
  attachments: z.array(z.unknown()).optional(),
  blocks: z.array(z.unknown()).optional(),
  ephemeral: z.boolean().optional(),
});
export type Message = z.infer<typeof Message>;

/** Who may post: everyone, admins only, or admins plus the listed people (Pumble's channel setting). */
export const PostingPermissionsGroup = z.enum(['EVERYONE', 'ADMINS', 'ADMINS_AND_SELECTED']);
export type PostingPermissionsGroup = z.infer<typeof PostingPermissionsGroup>;

export const PostingPermissions = z.object({
  allowThreads: z.boolean(),
  allowMentions: z.boolean(),
  postingPermissionsGroup: PostingPermissionsGroup,
  workspaceUserIds: z.array(z.string()),
});
export type PostingPermissions = z.infer<typeof PostingPermissions>;

export const Channel = z.object({
  id: z.string(),
  workspaceId: z.string(),
  channelType: ChannelType,
  name: z.string().optional(),
  description: z.string().optional(),
  isMember: z.boolean().optional(),
  isArchived: z.boolean().optional(),
  isAddonBot: z.boolean().optional(),
  isMuted: z.boolean().optional(),
  isHidden: z.boolean().optional(),
  postingPermissions: PostingPermissions,
  desktopNotificationPreferences: z.string(),
  mobileNotificationPreferences: z.string(),
});
export type Channel = z.infer<typeof Channel>;

export const ChannelInfo = z.object({ channel: Channel, users: z.array(z.string()).optional() });
export type ChannelInfo = z.infer<typeof ChannelInfo>;

export const WorkspaceUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  workspaceId: z.string(),
  role: WorkspaceRole,
  status: z.enum(['ACTIVE', 'DEACTIVATED']),
  avatar: z.object({ fullPath: z.string(), scaledPath: z.string() }).describe('Empty paths when the person has no picture'),
  timeZoneId: z.string(),
  automaticallyTimeZone: z.boolean(),
  title: z.string(),
  phone: z.string(),
  timeFormat: z.number().int(),
  customStatus: z
    .object({ code: z.string(), status: z.string(), expiration: z.string(), expiresAt: z.number().int().optional(), showUntil: z.boolean().optional() })
    .optional(),
  isAddonBot: z.boolean().optional(),
});
export type WorkspaceUser = z.infer<typeof WorkspaceUser>;

export const Workspace = z.object({
  id: z.string(),
  name: z.string(),
  customStatusDefinitions: z.array(z.object({ code: z.string(), status: z.string(), expiration: z.string() })),
  uniqueIdentifier: z.string(),
});
export type Workspace = z.infer<typeof Workspace>;

/** Body of a post, reply or ephemeral message (the `ephemeral` key makes it ephemeral). */
export const PostMessageBody = z.object({
  text: z.string().max(40_000).default(''),
  blocks: z.array(z.unknown()).max(100).optional(),
  attachments: z.array(z.unknown()).max(100).optional(),
  files: z.array(z.unknown()).max(100).optional(),
  ephemeral: z.object({ sendToUsers: z.array(z.string().max(64)).min(1).max(1000) }).optional(),
});
export type PostMessageBody = z.infer<typeof PostMessageBody>;

export const MessagePage = z.object({
  messages: z.array(Message),
  hasMoreBefore: z.boolean(),
  hasMoreAfter: z.boolean(),
});
export type MessagePage = z.infer<typeof MessagePage>;

/** Frames the platform pushes to UI clients on `/v1/realtime`. */
export const RealtimeEventType = z.enum([
  'message.created',
  'message.updated',
  'message.deleted',
  'message.ephemeral',
  'message.ephemeral_deleted',
  'reaction.added',
  'reaction.removed',
  'channel.created',
  'channel.updated',
  'channel.archived',
  'channel.member_joined',
  'channel.member_left',
  // A person's profile changed (custom status), to the workspace; an app's home view, to its person (ours).
  'user.updated',
  'home_view.updated',
  // Views and interactions of apps, to the one person concerned (ours).
  'view.opened',
  'view.updated',
  'view.closed',
  'interaction.completed',
]);
export type RealtimeEventType = z.infer<typeof RealtimeEventType>;
