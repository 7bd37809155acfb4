import type { Kysely, Transaction } from 'kysely';
import type { Database, UserGroupsTable } from '../../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** User groups and their members. */
export class UserGroupsStore {
  constructor(readonly db: Kysely<Database>) {}

  find(id: string, db: Db = this.db) {
    return db.selectFrom('user_groups').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(workspaceId: string) {
    return this.db.selectFrom('user_groups').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('id').execute();
  }

  /** Groups of the workspace whose handles are among `handles` (mentions). */
  byHandles(workspaceId: string, handles: readonly string[]) {
    if (handles.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('user_groups')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('handle', 'in', [...handles])
      .where('disabled', '=', 0)
      .execute();
  }

  findByHandle(workspaceId: string, handle: string, db: Db = this.db) {
    return db.selectFrom('user_groups').select('id').where('workspace_id', '=', workspaceId).where('handle', '=', handle).executeTakeFirst();
  }

  /** Members of each group, in one query. */
  async membersOf(groupIds: readonly string[], db: Db = this.db): Promise<Map<string, string[]>> {
    const members = new Map<string, string[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return members;
    const rows = await db
      .selectFrom('user_group_members')
      .select(['group_id', 'user_id'])
      .where('group_id', 'in', [...groupIds])
      .orderBy('user_id')
      .execute();
    for (const row of rows) members.get(row.group_id)?.push(row.user_id);
    return members;
  }

  async insert(db: Db, row: UserGroupsTable): Promise<void> {
    await db.insertInto('user_groups').values(row).execute();
  }

  async update(db: Db, id: string, patch: Partial<Pick<UserGroupsTable, 'name' | 'handle' | 'description' | 'disabled'>>): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await db.updateTable('user_groups').set(patch).where('id', '=', id).execute();
  }

  async setMembers(db: Db, groupId: string, userIds: readonly string[]): Promise<void> {
    await db.deleteFrom('user_group_members').where('group_id', '=', groupId).execute();
    if (userIds.length > 0) {
      await db
        .insertInto('user_group_members')
        .values([...userIds].map((user_id) => ({ group_id: groupId, user_id })))
        .execute();
    }
  }
}
