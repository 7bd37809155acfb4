import type { Kysely, Transaction } from 'kysely';
import type { AccountsTable, CustomStatusesTable, Database, WorkspaceUsersTable } from '../../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Workspaces, accounts and workspace users. */
export class UsersStore {
  constructor(readonly db: Kysely<Database>) {}

  findWorkspace(id: string) {
    return this.db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listWorkspacesOfAccount(accountId: string) {
    return this.db
      .selectFrom('workspaces')
      .innerJoin('workspace_users', 'workspace_users.workspace_id', 'workspaces.id')
      .select(['workspaces.id', 'workspaces.name', 'workspace_users.id as workspaceUserId'])
      .where('workspace_users.account_id', '=', accountId)
      .where('workspace_users.status', '=', 'ACTIVE')
      .orderBy('workspaces.created_at')
      .execute();
  }

  findUser(id: string, db: Db = this.db) {
    return db.selectFrom('workspace_users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listUsers(workspaceId: string) {
    return this.db.selectFrom('workspace_users').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('id').execute();
  }

  /** Ids among `ids` that are active users of the workspace. */
  async activeUserIds(workspaceId: string, ids: readonly string[], db: Db = this.db): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await db
      .selectFrom('workspace_users')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', 'ACTIVE')
      .where('id', 'in', [...ids])
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  statusOf(userId: string): Promise<CustomStatusesTable | undefined> {
    return this.db.selectFrom('custom_statuses').selectAll().where('user_id', '=', userId).executeTakeFirst();
  }

  async statusesOf(workspaceId: string): Promise<Map<string, CustomStatusesTable>> {
    const rows = await this.db.selectFrom('custom_statuses').selectAll().where('workspace_id', '=', workspaceId).execute();
    return new Map(rows.map((row) => [row.user_id, row]));
  }

  /** Sets (or, with `undefined`, clears) a person's custom status. */
  async setStatus(userId: string, row: CustomStatusesTable | undefined): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('custom_statuses').where('user_id', '=', userId).execute();
      if (row) await trx.insertInto('custom_statuses').values(row).execute();
    });
  }

  findAccountByEmail(email: string, db: Db = this.db) {
    return db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
  }

  async insertWorkspace(db: Db, row: { id: string; name: string; created_at: number }): Promise<void> {
    await db.insertInto('workspaces').values(row).execute();
  }

  async insertAccount(db: Db, row: AccountsTable): Promise<void> {
    await db.insertInto('accounts').values(row).execute();
  }

  async insertUser(db: Db, row: WorkspaceUsersTable): Promise<void> {
    await db.insertInto('workspace_users').values(row).execute();
  }

  async updateUser(db: Db, id: string, patch: Partial<Omit<WorkspaceUsersTable, 'id' | 'workspace_id'>>): Promise<void> {
    await db.updateTable('workspace_users').set(patch).where('id', '=', id).execute();
  }

  async countWorkspaces(): Promise<number> {
    const row = await this.db
      .selectFrom('workspaces')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}
