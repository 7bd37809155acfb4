import type { Kysely, Transaction } from 'kysely';
import { PrecompiledQuery } from '../../store/precompiled-query.js';
import type { Database, MessagesTable } from '../../store/schema.js';
import type { ReactionRow } from '../views.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Every column of a message row, in one order (the post's insert, search's select). */
export const MESSAGE_COLUMNS = [
  'id',
  'workspace_id',
  'channel_id',
  'author_id',
  'text',
  'blocks',
  'attachments',
  'files',
  'thread_root_id',
  'reply_count',
  'last_reply_at',
  'subtype',
  'edited_at',
  'deleted_at',
  'created_at',
] as const satisfies readonly (keyof MessagesTable)[];

/** Every post runs it: built and compiled once. */
const insertMessage = new PrecompiledQuery<MessagesTable, unknown>((db, slot) =>
  db.insertInto('messages').values(Object.fromEntries(MESSAGE_COLUMNS.map((column) => [column, slot(column)])) as unknown as MessagesTable),
);

export type PageDirection = 'BEFORE' | 'AFTER';

/** Messages, thread counters and reactions. */
export class MessagesStore {
  constructor(readonly db: Kysely<Database>) {}

  find(id: string, db: Db = this.db) {
    return db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insert(db: Db, row: MessagesTable): Promise<void> {
    await insertMessage.execute(db, row);
  }

  async bumpThread(db: Db, rootId: string, at: number): Promise<void> {
    await db
      .updateTable('messages')
      .set((eb) => ({ reply_count: eb('reply_count', '+', 1), last_reply_at: at }))
      .where('id', '=', rootId)
      .execute();
  }

  /** Recomputes a root's reply count and last-reply time from its live replies (after a delete). */
  async recountThread(db: Db, rootId: string): Promise<void> {
    const stats = await db
      .selectFrom('messages')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('created_at').as('last')])
      .where('thread_root_id', '=', rootId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    await db
      .updateTable('messages')
      .set({ reply_count: Number(stats?.n ?? 0), last_reply_at: stats?.last ?? null })
      .where('id', '=', rootId)
      .execute();
  }

  async update(db: Db, id: string, patch: Partial<Pick<MessagesTable, 'text' | 'blocks' | 'attachments' | 'edited_at' | 'deleted_at'>>) {
    await db.updateTable('messages').set(patch).where('id', '=', id).execute();
  }

  /**
   * One page of a channel's thread roots (or of one thread's replies) around `cursor`,
   * oldest first, fetching one row extra to know whether more exist in that direction.
   */
  async page(scope: { channelId: string } | { threadRootId: string }, direction: PageDirection, limit: number, cursor?: string) {
    let query = this.db.selectFrom('messages').selectAll().where('deleted_at', 'is', null);
    query =
      'channelId' in scope
        ? query.where('channel_id', '=', scope.channelId).where('thread_root_id', 'is', null)
        : query.where('thread_root_id', '=', scope.threadRootId);
    if (cursor) query = query.where('id', direction === 'BEFORE' ? '<' : '>', cursor);
    const rows = await query
      .orderBy('id', direction === 'BEFORE' ? 'desc' : 'asc')
      .limit(limit + 1)
      .execute();
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit);
    if (direction === 'BEFORE') page.reverse();
    return { rows: page, hasMore };
  }

  /** Whether a live message exists on the other side of a cursor. */
  async existsBeyond(scope: { channelId: string } | { threadRootId: string }, direction: PageDirection, cursor: string): Promise<boolean> {
    let query = this.db.selectFrom('messages').select('id').where('deleted_at', 'is', null);
    query =
      'channelId' in scope
        ? query.where('channel_id', '=', scope.channelId).where('thread_root_id', 'is', null)
        : query.where('thread_root_id', '=', scope.threadRootId);
    const row = await query
      .where('id', direction === 'BEFORE' ? '>=' : '<=', cursor)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async reactionsOf(messageIds: readonly string[], db: Db = this.db): Promise<ReactionRow[]> {
    if (messageIds.length === 0) return [];
    return db
      .selectFrom('reactions')
      .select(['message_id', 'user_id', 'code'])
      .where('message_id', 'in', [...messageIds])
      .orderBy('created_at')
      .execute();
  }

  /** Adds a reaction; false when that person already reacted with that code. */
  async addReaction(db: Db, row: { message_id: string; user_id: string; code: string; created_at: number }): Promise<boolean> {
    const result = await db
      .insertInto('reactions')
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async removeReaction(db: Db, messageId: string, userId: string, code: string): Promise<boolean> {
    const result = await db
      .deleteFrom('reactions')
      .where('message_id', '=', messageId)
      .where('user_id', '=', userId)
      .where('code', '=', code)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
