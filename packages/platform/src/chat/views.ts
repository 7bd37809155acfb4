import type { Channel, Message, PostingPermissions, WorkspaceUser } from '@switchboard/protocol';
import type { ChannelPostingTable, ChannelsTable, CustomStatusesTable, MessagesTable, WorkspaceUsersTable } from '../store/schema.js';

export interface ReactionRow {
  message_id: string;
  user_id: string;
  code: string;
}

function parseJsonArray(text: string | null): unknown[] | undefined {
  if (text === null) return undefined;
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value : undefined;
}

/** A stored message as the wire Message (PROTOCOL.md section 5). */
export function toMessage(row: MessagesTable, reactions: readonly ReactionRow[] = []): Message {
  const message: Message = {
    id: row.id,
    workspaceId: row.workspace_id,
    channelId: row.channel_id,
    author: row.author_id,
    text: row.text,
    timestamp: new Date(row.created_at).toISOString(),
    timestampMilli: row.created_at,
  };
  if (row.subtype) message.subtype = row.subtype;
  const blocks = parseJsonArray(row.blocks);
  if (blocks) message.blocks = blocks;
  const attachments = parseJsonArray(row.attachments);
  if (attachments) message.attachments = attachments;
  const files = parseJsonArray(row.files);
  if (files) message.files = files;
  if (row.edited_at !== null) message.edited = true;
  if (row.deleted_at !== null) message.deleted = true;
  // Pumble's field names (pumble-sdk types.ts): apps read `rootId` to thread under the root.
  if (row.thread_root_id) message.threadReplyInfo = { rootId: row.thread_root_id };
  else if (row.reply_count > 0) {
    message.threadRootInfo = { repliesCount: row.reply_count };
    if (row.last_reply_at !== null) {
      message.threadRootInfo.lastReplyTimestamp = new Date(row.last_reply_at).toISOString();
      message.threadRootInfo.lastReplyTimestampMilli = row.last_reply_at;
    }
  }
  if (reactions.length > 0) message.reactions = reactions.map((r) => ({ user: r.user_id, code: r.code }));
  return message;
}

/** Posting permissions of a channel; no stored row means everyone may post. */
export function toPostingPermissions(row?: ChannelPostingTable): PostingPermissions {
  if (!row) return { allowThreads: true, allowMentions: true, postingPermissionsGroup: 'EVERYONE', workspaceUserIds: [] };
  return {
    allowThreads: row.allow_threads === 1,
    allowMentions: row.allow_mentions === 1,
    postingPermissionsGroup: row.posting_group,
    workspaceUserIds: JSON.parse(row.user_ids) as string[],
  };
}

export function toChannel(row: ChannelsTable, isMember?: boolean, posting?: ChannelPostingTable): Channel {
  const channel: Channel = {
    id: row.id,
    workspaceId: row.workspace_id,
    channelType: row.type,
    isArchived: row.is_archived === 1,
    isMuted: false,
    isHidden: false,
    postingPermissions: toPostingPermissions(posting),
    desktopNotificationPreferences: 'ALL',
    mobileNotificationPreferences: 'ALL',
  };
  if (row.name !== null) channel.name = row.name;
  if (row.description !== null) channel.description = row.description;
  if (isMember !== undefined) channel.isMember = isMember;
  return channel;
}

/** A person as Pumble shows them; `customStatus` only while it has not expired. */
export function toWorkspaceUser(row: WorkspaceUsersTable, status?: CustomStatusesTable, now = Date.now()): WorkspaceUser {
  const user: WorkspaceUser = {
    id: row.id,
    email: row.email,
    name: row.name,
    workspaceId: row.workspace_id,
    role: row.role,
    status: row.status,
    avatar: { fullPath: row.avatar ?? '', scaledPath: row.avatar ?? '' },
    timeZoneId: row.time_zone_id,
    automaticallyTimeZone: false,
    title: row.title ?? '',
    phone: '',
    timeFormat: 24,
    isAddonBot: row.role === 'bot',
  };
  if (status && (status.expires_at === 0 || status.expires_at > now)) {
    user.customStatus = { code: status.code, status: status.status, expiration: status.expiration, showUntil: status.expires_at !== 0 };
    if (status.expires_at !== 0) user.customStatus.expiresAt = status.expires_at;
  }
  return user;
}
