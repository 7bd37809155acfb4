import type { EventType, Message } from '@switchboard/protocol';
import type { ChatChange } from '../chat/changes.js';

/** A chat change as an app event: its type, the channel it concerns and its compact body (PROTOCOL.md 6.4). */
export interface AppEventDraft {
  eventType: EventType;
  channelId: string | null;
  body: Record<string, unknown>;
}

function messageBody(message: Message, type: 'NEW_MESSAGE' | 'UPDATED_MESSAGE'): Record<string, unknown> {
  return {
    mId: message.id,
    wId: message.workspaceId,
    cId: message.channelId,
    trId: message.threadReplyInfo?.rootId ?? '',
    aId: message.author,
    tx: message.text,
    bl: message.blocks ?? [],
    ty: type,
    ts: message.timestamp,
    tsm: message.timestampMilli,
    f: message.files ?? [],
    md: [],
    e: message.edited === true,
    eph: false,
  };
}

/** Maps the chat changes apps may subscribe to; others (ephemeral, member changes) are UI-only. */
export function toAppEvent(change: ChatChange): AppEventDraft | undefined {
  const data = change.data as Record<string, unknown>;
  switch (change.type) {
    case 'message.created':
    case 'message.updated': {
      const message = data.message as Message;
      const type = change.type === 'message.created' ? 'NEW_MESSAGE' : 'UPDATED_MESSAGE';
      return { eventType: type, channelId: message.channelId, body: messageBody(message, type) };
    }
    case 'message.deleted':
      return {
        eventType: 'DELETED_MESSAGE',
        channelId: data.channelId as string,
        body: { mId: data.messageId, wId: change.workspaceId, cId: data.channelId, trId: (data.threadRootId as string | null) ?? '', ty: 'DELETED_MESSAGE' },
      };
    case 'reaction.added':
      return {
        eventType: 'REACTION_ADDED',
        channelId: data.channelId as string,
        body: {
          wId: change.workspaceId,
          cId: data.channelId,
          mId: data.messageId,
          mat: data.messageAuthorId,
          uId: data.userId,
          rc: data.code,
          ty: 'REACTION_ADDED',
        },
      };
    case 'channel.created': {
      const channel = data.channel as { id: string; name?: string; channelType: string };
      return {
        eventType: 'CHANNEL_CREATED',
        channelId: channel.id,
        body: { wId: change.workspaceId, cId: channel.id, cN: channel.name, cU: data.users, cT: channel.channelType, ty: 'CHANNEL_CREATED' },
      };
    }
    case 'channel.archived':
      return {
        eventType: 'CHANNEL_ARCHIVED',
        channelId: data.channelId as string,
        body: { wId: change.workspaceId, cId: data.channelId, m: data.members ?? [], ty: 'CHANNEL_ARCHIVED' },
      };
    default:
      return undefined;
  }
}
