import type { Channel, Message, WorkspaceUser } from '@switchboard/protocol';
import type { ChannelsTable, MessagesTable, WorkspaceUsersTable } from '../store/schema.js';

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
  if (row.thread_root_id) message.threadReplyInfo = { threadRootId: row.thread_root_id };
  else if (row.reply_count > 0) message.threadRootInfo = { replyCount: row.reply_count, lastReplyTimestampMilli: row.last_reply_at };
  if (reactions.length > 0) {
    const byCode = new Map<string, string[]>();
    for (const r of reactions) {
      const users = byCode.get(r.code) ?? [];
      users.push(r.user_id);
      byCode.set(r.code, users);
    }
    message.reactions = [...byCode].map(([code, userIds]) => ({ code, count: userIds.length, userIds }));
  }
  return message;
}

export function toChannel(row: ChannelsTable, isMember?: boolean): Channel {
  const channel: Channel = {
    id: row.id,
    workspaceId: row.workspace_id,
    channelType: row.type,
    isArchived: row.is_archived === 1,
  };
  if (row.name !== null) channel.name = row.name;
  if (row.description !== null) channel.description = row.description;
  if (isMember !== undefined) channel.isMember = isMember;
  return channel;
}

export function toWorkspaceUser(row: WorkspaceUsersTable): WorkspaceUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    workspaceId: row.workspace_id,
    role: row.role,
    status: row.status,
    avatar: row.avatar,
    timeZoneId: row.time_zone_id,
    title: row.title,
    isAddonBot: row.role === 'bot',
  };
}
