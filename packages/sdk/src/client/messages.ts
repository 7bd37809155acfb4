import { Message, MessagePage, type PostMessageBody } from '@switchboard/protocol';
import { z } from 'zod';
import { type HttpTransport, pathOf } from './http.js';

/** What a message says: text and/or blocks, attachments, files (the post body minus `ephemeral`). */
export type MessageContent = Omit<z.input<typeof PostMessageBody>, 'ephemeral'>;
/** The fields an edit may change. */
export type MessageEdit = Partial<Pick<MessageContent, 'text' | 'blocks' | 'attachments'>>;

/** History paging: `cursor` is a message id; BEFORE walks back from it, AFTER forward. */
export interface PageQuery {
  limit?: number;
  cursor?: string;
  strategy?: 'BEFORE' | 'AFTER';
}

const MessageList = z.array(Message);

const contentOf = (content: MessageContent | string): MessageContent => (typeof content === 'string' ? { text: content } : content);

/**
 * Messages, threads and ephemeral messages (PROTOCOL.md section 5).
 * @example const root = await client.messages.post(channelId, 'build started'); await client.messages.reply(channelId, root.id, 'done');
 */
export class MessagesApi {
  constructor(private readonly http: HttpTransport) {}

  /**
   * Posts to a channel.
   * @example const message = await client.messages.post(channelId, 'Deployed :rocket:');
   */
  post(channelId: string, content: MessageContent | string): Promise<Message> {
    return this.http.json({ method: 'POST', path: pathOf`/v1/channels/${channelId}/messages`, json: contentOf(content) }, Message);
  }

  /**
   * Replies in the thread of `threadRootId`.
   * @example await client.messages.reply(channelId, rootId, { text: 'On it' });
   */
  reply(channelId: string, threadRootId: string, content: MessageContent | string): Promise<Message> {
    return this.http.json({ method: 'POST', path: pathOf`/v1/channels/${channelId}/messages/${threadRootId}`, json: contentOf(content) }, Message);
  }

  /**
   * Posts a message only `sendToUsers` see (in a thread when `threadRootId` is given).
   * @example await client.messages.postEphemeral(channelId, 'Only you can see this', [userId]);
   */
  postEphemeral(
    channelId: string,
    content: MessageContent | string,
    sendToUsers: readonly string[],
    options: { threadRootId?: string } = {},
  ): Promise<Message> {
    const path = options.threadRootId ? pathOf`/v1/channels/${channelId}/messages/${options.threadRootId}` : pathOf`/v1/channels/${channelId}/messages`;
    return this.http.json({ method: 'POST', path, json: { ...contentOf(content), ephemeral: { sendToUsers } } }, Message);
  }

  /**
   * Changes a message the caller wrote.
   * @example await client.messages.edit(channelId, messageId, { text: 'fixed typo' });
   */
  edit(channelId: string, messageId: string, changes: MessageEdit | string): Promise<Message> {
    return this.http.json({ method: 'PUT', path: pathOf`/v1/channels/${channelId}/messages/${messageId}`, json: contentOf(changes) }, Message);
  }

  /**
   * Changes an ephemeral message the caller sent, for those of `sendToUsers` who still see it.
   * @example await client.messages.editEphemeral(channelId, messageId, 'Done :white_check_mark:', [userId]);
   */
  editEphemeral(
    channelId: string,
    messageId: string,
    content: MessageEdit | string,
    sendToUsers: readonly string[],
    options: { threadRootId?: string } = {},
  ): Promise<Message> {
    const ephemeral = { sendToUsers, ...(options.threadRootId ? { threadRootId: options.threadRootId } : {}) };
    const { text = '', ...rest } = contentOf(content);
    return this.http.json({ method: 'PUT', path: pathOf`/v1/channels/${channelId}/messages/${messageId}`, json: { text, ...rest, ephemeral } }, Message);
  }

  /**
   * Replaces the attachments of a message the caller wrote (needs `attachments:write`).
   * @example await client.messages.editAttachments(channelId, messageId, [{ title: 'Build 42', color: '#2eb67d' }]);
   */
  editAttachments(channelId: string, messageId: string, attachments: readonly Record<string, unknown>[]): Promise<Message> {
    return this.http.json({ method: 'PUT', path: pathOf`/v1/channels/${channelId}/messages/${messageId}/attachments`, json: { attachments } }, Message);
  }

  /**
   * Deletes a message.
   * @example await client.messages.delete(channelId, messageId);
   */
  delete(channelId: string, messageId: string): Promise<void> {
    return this.http.send({ method: 'DELETE', path: pathOf`/v1/channels/${channelId}/messages/${messageId}` });
  }

  /**
   * Withdraws an ephemeral message from the given people.
   * @example await client.messages.deleteEphemeral(channelId, messageId, [userId]);
   */
  deleteEphemeral(channelId: string, messageId: string, deleteForUsers: readonly string[], options: { threadRootId?: string } = {}): Promise<void> {
    const json = { deleteForUsers, ...(options.threadRootId ? { threadRootId: options.threadRootId } : {}) };
    return this.http.send({ method: 'DELETE', path: pathOf`/v1/channels/${channelId}/messages/${messageId}/ephemeral`, json });
  }

  /**
   * One message.
   * @example const message = await client.messages.get(channelId, messageId);
   */
  get(channelId: string, messageId: string): Promise<Message> {
    return this.http.json({ method: 'GET', path: pathOf`/v1/channels/${channelId}/messages/${messageId}` }, Message);
  }

  /**
   * A page of channel history (thread roots).
   * @example const { messages, hasMoreBefore } = await client.messages.list(channelId, { limit: 20 });
   */
  list(channelId: string, query: PageQuery = {}): Promise<MessagePage> {
    return this.http.json({ method: 'GET', path: pathOf`/v1/channels/${channelId}/messages`, query: { ...query } }, MessagePage);
  }

  /**
   * A thread's replies, oldest first (a bare array, as Pumble answers `fetchThreadReplies`).
   * @example const replies = await client.messages.replies(channelId, rootId, { limit: 50 });
   */
  replies(channelId: string, threadRootId: string, query: PageQuery = {}): Promise<Message[]> {
    return this.http.json({ method: 'GET', path: pathOf`/v1/channels/${channelId}/messages/${threadRootId}/replies`, query: { ...query } }, MessageList);
  }
}
