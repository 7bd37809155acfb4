import type { Kysely, Transaction } from 'kysely';
import type { Dialect } from '../store/db.js';
import type { Database } from '../store/schema.js';
import { type ScheduledDb, type ScheduledMessagesTable, type Settlement, withScheduledTables } from './scheduled-tables.js';

export type ScheduledEdit = Pick<
  ScheduledMessagesTable,
  'channel_id' | 'text' | 'blocks' | 'attachments' | 'files' | 'recurrence' | 'send_at' | 'first_send_at'
>;

/** Scheduled message rows: the owner's CRUD on pending rows, and the claims of the node posting them. */
export class ScheduledStore {
  private readonly db: ScheduledDb;

  constructor(
    db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {
    this.db = withScheduledTables(db);
  }

  async insert(row: ScheduledMessagesTable): Promise<void> {
    await this.db.insertInto('scheduled_messages').values(row).execute();
  }

  find(id: string) {
    return this.db.selectFrom('scheduled_messages').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The author's scheduled messages still to be posted, soonest first (one extra to tell whether more exist). */
  listPending(workspaceId: string, authorId: string, limit: number) {
    return this.db
      .selectFrom('scheduled_messages')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('author_id', '=', authorId)
      .where('status', 'in', ['pending', 'sending'])
      .orderBy('send_at')
      .orderBy('id')
      .limit(limit + 1)
      .execute();
  }

  /** Changes a row nobody is posting right now; false when it is being posted, posted, or not the author's. */
  async updatePending(id: string, authorId: string, patch: Partial<ScheduledEdit>, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('scheduled_messages')
      .set({ ...patch, updated_at: now })
      .where('id', '=', id)
      .where('author_id', '=', authorId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async deletePending(id: string, authorId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('scheduled_messages')
      .where('id', '=', id)
      .where('author_id', '=', authorId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Claims up to `limit` rows that came due (or whose previous claim's lease lapsed: its node died
   * before its post committed). On PostgreSQL `FOR UPDATE SKIP LOCKED` lets nodes claim side by
   * side without waiting on or taking each other's rows; SQLite has one writer.
   */
  async claimDue(now: number, token: string, leaseUntil: number, limit: number): Promise<ScheduledMessagesTable[]> {
    return this.db
      .updateTable('scheduled_messages')
      .set((eb) => ({ status: 'sending', claim_token: token, claimed_until: leaseUntil, attempts: eb('attempts', '+', 1), updated_at: now }))
      .where('id', 'in', (eb) => {
        let due = eb
          .selectFrom('scheduled_messages')
          .select('id')
          .where((w) =>
            w.or([
              w.and([w('status', '=', 'pending'), w('send_at', '<=', now), w.or([w('claimed_until', 'is', null), w('claimed_until', '<=', now)])]),
              w.and([w('status', '=', 'sending'), w('claimed_until', '<=', now)]),
            ]),
          )
          .orderBy('send_at')
          .limit(limit);
        if (this.dialect === 'postgres') due = due.forUpdate().skipLocked();
        return due;
      })
      .returningAll()
      .execute();
  }

  /** Moves a claimed row on, only while the claim is still `token`'s; false when it was lost. */
  async settle(db: Kysely<Database> | Transaction<Database>, id: string, token: string, settlement: Settlement, now: number): Promise<boolean> {
    const result = await withScheduledTables(db)
      .updateTable('scheduled_messages')
      .set({ ...settlement, claim_token: null, claimed_until: null, last_error: null, attempts: 0, updated_at: now })
      .where('id', '=', id)
      .where('claim_token', '=', token)
      .where('status', '=', 'sending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Gives a claimed row up: failed for good, or pending again, not claimable before `retryAt`. */
  async release(
    id: string,
    token: string,
    outcome: { failed: true; error: string } | { failed: false; error: string; retryAt: number },
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable('scheduled_messages')
      .set({
        status: outcome.failed ? 'failed' : 'pending',
        claim_token: null,
        claimed_until: outcome.failed ? null : outcome.retryAt,
        last_error: outcome.error.slice(0, 1000),
        updated_at: now,
      })
      .where('id', '=', id)
      .where('claim_token', '=', token)
      .where('status', '=', 'sending')
      .execute();
  }

  /** The earliest time a pending row comes due (lets a node sleep until then). */
  async nextDue(): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('scheduled_messages')
      .select((eb) => eb.fn.min('send_at').as('at'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row?.at === null || row?.at === undefined ? undefined : Number(row.at);
  }
}
