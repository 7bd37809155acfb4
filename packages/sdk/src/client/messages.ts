import { Message, MessagePage, type PostMessageBody } from '@switchboard/protocol';
import type { z } from 'zod';
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
   * A page of a thread's replies.
   * @example const { messages } = await client.messages.replies(channelId, rootId);
   */
  replies(channelId: string, threadRootId: string, query: PageQuery = {}): Promise<MessagePage> {
    return this.http.json({ method: 'GET', path: pathOf`/v1/channels/${channelId}/messages/${threadRootId}/replies`, query: { ...query } }, MessagePage);
  }
}
