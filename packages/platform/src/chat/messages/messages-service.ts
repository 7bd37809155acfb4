import { type Message, type MessagePage, type PostMessageBody, SwitchboardError } from '@switchboard/protocol';
import type { Clock } from '../../clock.js';
import { newId } from '../../store/ids.js';
import type { MessagesTable } from '../../store/schema.js';
import type { ChangeBus } from '../changes.js';
import type { ChannelsService, ChatCaller } from '../channels/channels-service.js';
import { GroupMentionResolver } from '../user-groups/group-mentions.js';
import { UserGroupsStore } from '../user-groups/user-groups-store.js';
import { toMessage } from '../views.js';
import { EphemeralLedger } from './ephemeral-ledger.js';
import { type EphemeralEdit, type EphemeralObserver, EphemeralService } from './ephemeral-service.js';
import type { MessagesStore, PageDirection } from './messages-store.js';

export type { EphemeralEdit, EphemeralObserver } from './ephemeral-service.js';

export interface PageQuery {
  limit: number;
  cursor?: string;
  strategy: PageDirection;
}

export interface EditBody {
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
}

const CURSOR = /^[0-9a-f]{24}$/;
const json = (value: unknown[] | undefined) => (value === undefined ? null : JSON.stringify(value));
const isEmptyJson = (text: string | null) => text === null || text === '[]';

/** Blocks and attachments are shallow; a deeper value is hostile and would overflow JSON.stringify. */
const MAX_CONTENT_DEPTH = 32;

function assertShallow(...values: (unknown[] | undefined)[]): void {
  // Iterative on purpose: a recursive walk would overflow on the very input it guards against.
  const stack: [unknown, number][] = values.filter((v) => v !== undefined).map((v) => [v, 1]);
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_CONTENT_DEPTH) {
      throw new SwitchboardError('validation_failed', `Blocks, attachments and files nest at most ${MAX_CONTENT_DEPTH} levels deep.`);
    }
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
}

/** Posting, threads, edits, deletes, history, ephemeral messages and reactions. */
export class MessagesService {
  private readonly ephemerals: EphemeralService;
  private readonly mentions: GroupMentionResolver;

  constructor(
    private readonly store: MessagesStore,
    private readonly channels: ChannelsService,
    private readonly bus: ChangeBus,
    private readonly clock: Clock,
    observer?: EphemeralObserver,
  ) {
    this.ephemerals = new EphemeralService(store, new EphemeralLedger(store.db), channels, bus, clock, observer);
    this.mentions = new GroupMentionResolver(new UserGroupsStore(store.db));
  }

  /** Posts to a channel, or replies in a thread when `threadRootId` is given. */
  async post(caller: ChatCaller, channelId: string, body: PostMessageBody, threadRootId?: string): Promise<Message> {
    assertShallow(body.blocks, body.attachments, body.files);
    // Checked before the ephemeral branch: an empty ephemeral message is just as empty.
    if (!body.text.trim() && !body.blocks?.length && !body.attachments?.length && !body.files?.length) {
      throw new SwitchboardError('validation_failed', 'A message needs text, blocks, attachments or files.');
    }
    if (body.ephemeral) return this.ephemerals.post(caller, channelId, body, threadRootId);
    const channel = await this.channels.postable(caller, channelId, threadRootId ? 'reply' : 'message');
    const now = this.clock.now();
    const row: MessagesTable = {
      id: newId(now),
      workspace_id: channel.workspace_id,
      channel_id: channelId,
      author_id: caller.userId,
      text: body.text,
      blocks: json(body.blocks),
      attachments: json(body.attachments),
      files: json(body.files),
      thread_root_id: threadRootId ?? null,
      reply_count: 0,
      last_reply_at: null,
      subtype: null,
      edited_at: null,
      deleted_at: null,
      created_at: now,
    };
    const message = toMessage(row);
    // `@group` mentions travel with the change, so pages can notify the group's members.
    const mentions = await this.mentions.resolve(row.workspace_id, body.text, body.blocks);
    const data = { message, channelType: channel.type, ...(mentions ? { mentions } : {}) };
    const created = { type: 'message.created', workspaceId: row.workspace_id, audience: { channelId }, data } as const;
    if (!threadRootId) {
      // A channel post is one INSERT: no transaction needed around it (unless a sink writes too).
      await this.bus.commitStatement([created], (db) => this.store.insert(db, row));
      return message;
    }
    await this.bus.commit(async (trx, record) => {
      const root = await this.store.find(threadRootId, trx);
      if (!root || root.channel_id !== channelId || root.deleted_at !== null || root.thread_root_id !== null) {
        throw new SwitchboardError('not_found', 'No such thread root in this channel.');
      }
      await this.store.bumpThread(trx, threadRootId, now);
      await this.store.insert(trx, row);
      record(created);
    });
    return message;
  }

  /** Withdraws an ephemeral message (its sender, for anyone; a recipient, for themself). */
  deleteEphemeral(caller: ChatCaller, channelId: string, messageId: string, deleteForUsers: readonly string[], threadRootId?: string): Promise<void> {
    return this.ephemerals.withdraw(caller, channelId, messageId, deleteForUsers, threadRootId);
  }

  /** Pumble's `editEphemeralMessage`: a PUT on the message path whose body carries `ephemeral`. */
  editEphemeral(caller: ChatCaller, channelId: string, messageId: string, body: EphemeralEdit): Promise<Message> {
    assertShallow(body.blocks, body.attachments);
    return this.ephemerals.edit(caller, channelId, messageId, body);
  }

  async get(caller: ChatCaller, channelId: string, messageId: string): Promise<Message> {
    await this.channels.readable(caller, channelId);
    const row = await this.store.find(messageId);
    if (!row || row.channel_id !== channelId || row.deleted_at !== null) throw new SwitchboardError('not_found', 'No such message.');
    return toMessage(row, await this.store.reactionsOf([row.id]));
  }

  async history(caller: ChatCaller, channelId: string, query: PageQuery): Promise<MessagePage> {
    await this.channels.readable(caller, channelId);
    return this.pageOf({ channelId }, query);
  }

  /** A thread's replies as a bare array, oldest first (Pumble's `fetchThreadReplies`). */
  async replies(caller: ChatCaller, channelId: string, rootId: string, query: PageQuery): Promise<Message[]> {
    await this.get(caller, channelId, rootId);
    return (await this.pageOf({ threadRootId: rootId }, query)).messages;
  }

  async edit(caller: ChatCaller, channelId: string, messageId: string, body: EditBody): Promise<Message> {
    const channel = await this.channels.postable(caller, channelId, 'edit');
    assertShallow(body.blocks, body.attachments);
    const now = this.clock.now();
    const updated = await this.bus.commit(async (trx, record) => {
      const row = await this.store.find(messageId, trx);
      if (!row || row.channel_id !== channelId || row.deleted_at !== null) throw new SwitchboardError('not_found', 'No such message.');
      if (row.author_id !== caller.userId) throw new SwitchboardError('forbidden', 'Only the author edits a message.');
      const patch = {
        ...(body.text !== undefined ? { text: body.text } : {}),
        ...(body.blocks !== undefined ? { blocks: json(body.blocks) } : {}),
        ...(body.attachments !== undefined ? { attachments: json(body.attachments) } : {}),
        edited_at: now,
      };
      const next = { ...row, ...patch };
      if (!next.text.trim() && isEmptyJson(next.blocks) && isEmptyJson(next.attachments) && isEmptyJson(next.files)) {
        throw new SwitchboardError('validation_failed', 'An edit cannot leave the message empty; delete it instead.');
      }
      await this.store.update(trx, messageId, patch);
      const message = toMessage(next, await this.store.reactionsOf([messageId], trx));
      record({ type: 'message.updated', workspaceId: row.workspace_id, audience: { channelId }, data: { message, channelType: channel.type } });
      return message;
    });
    return updated;
  }

  /** Pumble's `editAttachments`: replaces a message's attachments (its author only). */
  editAttachments(caller: ChatCaller, channelId: string, messageId: string, attachments: unknown[]): Promise<Message> {
    return this.edit(caller, channelId, messageId, { attachments });
  }

  async delete(caller: ChatCaller, channelId: string, messageId: string): Promise<void> {
    // A bot deletes its own posts wherever it may post (it need not be a member).
    const channel = caller.role === 'bot' ? await this.channels.postable(caller, channelId, 'edit') : (await this.channels.readable(caller, channelId)).channel;
    const now = this.clock.now();
    await this.bus.commit(async (trx, record) => {
      const row = await this.store.find(messageId, trx);
      if (!row || row.channel_id !== channelId || row.deleted_at !== null) throw new SwitchboardError('not_found', 'No such message.');
      const mayModerate = caller.role === 'owner' || caller.role === 'admin';
      if (row.author_id !== caller.userId && !mayModerate) throw new SwitchboardError('forbidden', 'Only the author or an admin deletes a message.');
      await this.store.update(trx, messageId, { deleted_at: now, text: '', blocks: null, attachments: null });
      // The root's reply count and last-reply time describe live replies only.
      if (row.thread_root_id) await this.store.recountThread(trx, row.thread_root_id);
      record({
        type: 'message.deleted',
        workspaceId: row.workspace_id,
        audience: { channelId },
        data: { messageId, channelId, threadRootId: row.thread_root_id, channelType: channel.type, authorId: row.author_id },
      });
    });
  }

  async react(caller: ChatCaller, messageId: string, code: string, add: boolean): Promise<void> {
    const target = await this.store.find(messageId);
    if (!target || target.workspace_id !== caller.workspaceId || target.deleted_at !== null) throw new SwitchboardError('not_found', 'No such message.');
    await this.channels.postable(caller, target.channel_id, 'react');
    const now = this.clock.now();
    await this.bus.commit(async (trx, record) => {
      const changed = add
        ? await this.store.addReaction(trx, { message_id: messageId, user_id: caller.userId, code, created_at: now })
        : await this.store.removeReaction(trx, messageId, caller.userId, code);
      if (!changed) return;
      record({
        type: add ? 'reaction.added' : 'reaction.removed',
        workspaceId: caller.workspaceId,
        audience: { channelId: target.channel_id },
        data: { messageId, channelId: target.channel_id, messageAuthorId: target.author_id, userId: caller.userId, code },
      });
    });
  }

  private async pageOf(scope: { channelId: string } | { threadRootId: string }, query: PageQuery): Promise<MessagePage> {
    if (query.cursor !== undefined && !CURSOR.test(query.cursor)) throw new SwitchboardError('invalid_cursor', 'The cursor is not a message id.');
    const { rows, hasMore } = await this.store.page(scope, query.strategy, query.limit, query.cursor);
    const reactions = await this.store.reactionsOf(rows.map((r) => r.id));
    const byMessage = new Map<string, typeof reactions>();
    for (const r of reactions) byMessage.set(r.message_id, [...(byMessage.get(r.message_id) ?? []), r]);
    const messages = rows.map((row) => toMessage(row, byMessage.get(row.id)));
    const otherSide = query.cursor ? await this.store.existsBeyond(scope, query.strategy, query.cursor) : false;
    return query.strategy === 'BEFORE'
      ? { messages, hasMoreBefore: hasMore, hasMoreAfter: otherSide }
      : { messages, hasMoreBefore: otherSide, hasMoreAfter: hasMore };
  }
}
