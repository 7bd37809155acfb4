import type { Kysely, Transaction } from 'kysely';
import type { ChannelPostingTable, ChannelsTable, ChannelType, Database } from '../../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Channels and their membership. */
export class ChannelsStore {
  constructor(readonly db: Kysely<Database>) {}

  find(id: string, db: Db = this.db) {
    return db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The channel and whether `userId` is in it, in one query (the access check of every chat call). */
  async findForUser(id: string, userId: string, db: Db = this.db): Promise<{ channel: ChannelsTable; isMember: boolean } | undefined> {
    const row = await db
      .selectFrom('channels')
      .leftJoin('channel_members', (join) => join.onRef('channel_members.channel_id', '=', 'channels.id').on('channel_members.user_id', '=', userId))
      .selectAll('channels')
      .select('channel_members.user_id as member')
      .where('channels.id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    const { member, ...channel } = row;
    return { channel, isMember: member !== null };
  }

  postingOf(channelId: string, db: Db = this.db): Promise<ChannelPostingTable | undefined> {
    return db.selectFrom('channel_posting').selectAll().where('channel_id', '=', channelId).executeTakeFirst();
  }

  /** Posting permissions of several channels at once (channel lists). */
  async postingOfMany(channelIds: readonly string[]): Promise<Map<string, ChannelPostingTable>> {
    if (channelIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('channel_posting')
      .selectAll()
      .where('channel_id', 'in', [...channelIds])
      .execute();
    return new Map(rows.map((row) => [row.channel_id, row]));
  }

  /** Stores posting permissions; EVERYONE with threads and mentions allowed removes the row. */
  async setPosting(db: Db, row: ChannelPostingTable): Promise<void> {
    await db.deleteFrom('channel_posting').where('channel_id', '=', row.channel_id).execute();
    const isDefault = row.posting_group === 'EVERYONE' && row.allow_threads === 1 && row.allow_mentions === 1 && row.user_ids === '[]';
    if (!isDefault) await db.insertInto('channel_posting').values(row).execute();
  }

  findByName(workspaceId: string, name: string) {
    return this.db
      .selectFrom('channels')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('name', '=', name)
      .where('type', 'in', ['PUBLIC', 'PRIVATE'])
      .executeTakeFirst();
  }

  findDirect(workspaceId: string, directKey: string, db: Db = this.db) {
    return db.selectFrom('channels').selectAll().where('workspace_id', '=', workspaceId).where('direct_key', '=', directKey).executeTakeFirst();
  }

  async isMember(channelId: string, userId: string, db: Db = this.db): Promise<boolean> {
    const row = await db.selectFrom('channel_members').select('user_id').where('channel_id', '=', channelId).where('user_id', '=', userId).executeTakeFirst();
    return row !== undefined;
  }

  async members(channelId: string, db: Db = this.db): Promise<string[]> {
    const rows = await db.selectFrom('channel_members').select('user_id').where('channel_id', '=', channelId).orderBy('joined_at').orderBy('user_id').execute();
    return rows.map((r) => r.user_id);
  }

  /** Public channels of the workspace plus every channel the user is in, filtered by type. */
  async listVisible(workspaceId: string, userId: string, types: readonly ChannelType[]) {
    return this.db
      .selectFrom('channels')
      .leftJoin('channel_members', (join) => join.onRef('channel_members.channel_id', '=', 'channels.id').on('channel_members.user_id', '=', userId))
      .selectAll('channels')
      .select('channel_members.user_id as member')
      .where('channels.workspace_id', '=', workspaceId)
      .where('channels.type', 'in', [...types])
      .where((eb) => eb.or([eb('channels.type', '=', 'PUBLIC'), eb('channel_members.user_id', 'is not', null)]))
      .orderBy('channels.created_at')
      .orderBy('channels.id')
      .execute();
  }

  async insert(db: Db, row: ChannelsTable, memberIds: readonly string[]): Promise<void> {
    await db.insertInto('channels').values(row).execute();
    if (memberIds.length > 0) {
      await db
        .insertInto('channel_members')
        .values(memberIds.map((user_id) => ({ channel_id: row.id, user_id, joined_at: row.created_at })))
        .execute();
    }
  }

  /** Adds members, ignoring those already in; returns who was actually added. */
  async addMembers(db: Db, channelId: string, userIds: readonly string[], now: number): Promise<string[]> {
    const present = new Set(await this.members(channelId, db));
    const added = [...new Set(userIds)].filter((id) => !present.has(id));
    if (added.length > 0) {
      await db
        .insertInto('channel_members')
        .values(added.map((user_id) => ({ channel_id: channelId, user_id, joined_at: now })))
        .execute();
    }
    return added;
  }

  async removeMember(db: Db, channelId: string, userId: string): Promise<boolean> {
    const result = await db.deleteFrom('channel_members').where('channel_id', '=', channelId).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async archive(db: Db, channelId: string): Promise<void> {
    await db.updateTable('channels').set({ is_archived: 1 }).where('id', '=', channelId).execute();
  }
}
