import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/schema.js';

/** migration 019: how far a person has read a channel. */
interface ChannelReadsTable {
  user_id: string;
  channel_id: string;
  last_read_at: number;
}

type WithReads = Database & { channel_reads: ChannelReadsTable };

/** Unread counts per channel; a channel never read counts from when the person joined it. */
export class ReadStateStore {
  private readonly db: Kysely<WithReads>;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<{ channel_reads: ChannelReadsTable }>();
  }

  async unread(userId: string): Promise<{ channelId: string; unread: number; lastReadAt: number }[]> {
    const rows = await this.db
      .selectFrom('channel_members as cm')
      .leftJoin('channel_reads as r', (join) => join.onRef('r.channel_id', '=', 'cm.channel_id').onRef('r.user_id', '=', 'cm.user_id'))
      .select((eb) => [
        'cm.channel_id as channelId',
        eb.fn.coalesce('r.last_read_at', 'cm.joined_at').as('lastReadAt'),
        eb
          .selectFrom('messages as m')
          .select((m) => m.fn.countAll<number>().as('n'))
          .whereRef('m.channel_id', '=', 'cm.channel_id')
          .where('m.thread_root_id', 'is', null)
          .where('m.deleted_at', 'is', null)
          .where('m.author_id', '!=', userId)
          .where('m.created_at', '>', sql<number>`coalesce(r.last_read_at, cm.joined_at)`)
          .as('unread'),
      ])
      .where('cm.user_id', '=', userId)
      .execute();
    return rows.map((r) => ({ channelId: r.channelId, unread: Number(r.unread ?? 0), lastReadAt: Number(r.lastReadAt) }));
  }

  /** Moves the read mark forward only: a late request from another tab never marks messages unread again. */
  async markRead(userId: string, channelId: string, at: number): Promise<void> {
    await this.db
      .insertInto('channel_reads')
      .values({ user_id: userId, channel_id: channelId, last_read_at: at })
      .onConflict((oc) =>
        oc.columns(['user_id', 'channel_id']).doUpdateSet({
          last_read_at: sql<number>`case when excluded.last_read_at > channel_reads.last_read_at then excluded.last_read_at else channel_reads.last_read_at end`,
        }),
      )
      .execute();
  }
}
