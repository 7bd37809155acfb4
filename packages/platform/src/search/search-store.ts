import type { MessageSearchRequest } from '@switchboard/protocol';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { MESSAGE_COLUMNS } from '../chat/messages/messages-store.js';
import type { ReactionRow } from '../chat/views.js';
import type { Dialect } from '../store/db.js';
import type { Database, MessagesTable } from '../store/schema.js';
import { dayBounds, fts5Query, tsQuery } from './search-query.js';

export interface SearchScope {
  workspaceId: string;
  /** Whose channels: public ones of the workspace and those this user is a member of. */
  userId: string;
  terms: readonly string[];
}

const COLUMNS = sql.raw(MESSAGE_COLUMNS.map((column) => `m.${column}`).join(', '));

/**
 * Message search on the database's own full-text index (migration 017): FTS5 on SQLite, a tsvector
 * with a GIN index on PostgreSQL. Visibility is part of the query: a message is found only in a
 * public channel of the caller's workspace or in a channel the caller is a member of.
 */
export class SearchStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async search(scope: SearchScope, request: MessageSearchRequest): Promise<{ rows: MessagesTable[]; total: number }> {
    const conditions = this.conditions(scope, request);
    const where = sql.join(conditions, sql` AND `);
    const from = this.from(scope.terms);
    const order = this.order(scope.terms, request.strategy);
    const [rows, count] = await Promise.all([
      sql<MessagesTable>`SELECT ${COLUMNS} FROM ${from} WHERE ${where} ORDER BY ${order} LIMIT ${request.limit + 1} OFFSET ${request.skip}`.execute(this.db),
      sql<{ total: number | string }>`SELECT COUNT(*) AS total FROM ${from} WHERE ${where}`.execute(this.db),
    ]);
    return { rows: rows.rows, total: Number(count.rows[0]?.total ?? 0) };
  }

  async reactionsOf(messageIds: readonly string[]): Promise<ReactionRow[]> {
    if (messageIds.length === 0) return [];
    return this.db
      .selectFrom('reactions')
      .select(['message_id', 'user_id', 'code'])
      .where('message_id', 'in', [...messageIds])
      .orderBy('created_at')
      .execute();
  }

  private from(terms: readonly string[]): RawBuilder<unknown> {
    const base = sql`messages m JOIN channels c ON c.id = m.channel_id`;
    return terms.length > 0 && this.dialect === 'sqlite' ? sql`${base} JOIN messages_fts ON messages_fts.rowid = m.rowid` : base;
  }

  private order(terms: readonly string[], strategy: MessageSearchRequest['strategy']): RawBuilder<unknown> {
    if (strategy === 'OLDEST') return sql`m.created_at ASC, m.id ASC`;
    if (strategy === 'MOST_RELEVANT' && terms.length > 0) {
      return this.dialect === 'sqlite'
        ? sql`bm25(messages_fts) ASC, m.created_at DESC`
        : sql`ts_rank(m.text_search, to_tsquery('simple', ${tsQuery(terms)})) DESC, m.created_at DESC`;
    }
    return sql`m.created_at DESC, m.id DESC`;
  }

  private conditions(scope: SearchScope, request: MessageSearchRequest): RawBuilder<unknown>[] {
    const member = sql`EXISTS (SELECT 1 FROM channel_members cm WHERE cm.channel_id = m.channel_id AND cm.user_id = ${scope.userId})`;
    const conditions = [
      sql`m.workspace_id = ${scope.workspaceId}`,
      sql`c.workspace_id = ${scope.workspaceId}`,
      sql`m.deleted_at IS NULL`,
      request.fromMyChannelsOnly ? member : sql`(c.type = 'PUBLIC' OR ${member})`,
    ];
    if (scope.terms.length > 0) {
      conditions.push(
        this.dialect === 'sqlite' ? sql`messages_fts MATCH ${fts5Query(scope.terms)}` : sql`m.text_search @@ to_tsquery('simple', ${tsQuery(scope.terms)})`,
      );
    }
    if (request.from?.length) conditions.push(sql`m.author_id IN (${sql.join(request.from)})`);
    if (request.in?.length) conditions.push(sql`m.channel_id IN (${sql.join(request.in)})`);
    const days = dayBounds(request);
    const after = Math.max(request.afterTs ?? 0, days.after ?? 0);
    if (after > 0) conditions.push(sql`m.created_at > ${after}`);
    const before = Math.min(request.beforeTs ?? Number.MAX_SAFE_INTEGER, days.before ?? Number.MAX_SAFE_INTEGER);
    if (before < Number.MAX_SAFE_INTEGER) conditions.push(sql`m.created_at < ${before}`);
    if (request.fromHumanOnly) conditions.push(sql`NOT EXISTS (SELECT 1 FROM workspace_users u WHERE u.id = m.author_id AND u.role = 'bot')`);
    if (request.minReactionCount) conditions.push(sql`(SELECT COUNT(*) FROM reactions r WHERE r.message_id = m.id) >= ${request.minReactionCount}`);
    if (request.minAttachmentCount) conditions.push(sql`${this.arrayLength(sql`m.attachments`)} >= ${request.minAttachmentCount}`);
    if (request.minFileCount) conditions.push(sql`${this.arrayLength(sql`m.files`)} >= ${request.minFileCount}`);
    return conditions;
  }

  /** Length of a JSON array stored as text (null counts as empty). */
  private arrayLength(column: RawBuilder<unknown>): RawBuilder<unknown> {
    return this.dialect === 'sqlite' ? sql`json_array_length(COALESCE(${column}, '[]'))` : sql`jsonb_array_length(COALESCE(${column}, '[]')::jsonb)`;
  }
}
