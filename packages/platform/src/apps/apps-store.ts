import type { Kysely, Transaction } from 'kysely';
import type { AppsTable, Database } from '../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Registered apps (secrets sealed, app key also hashed for lookup-free verification). */
export class AppsStore {
  constructor(readonly db: Kysely<Database>) {}

  find(id: string, db: Db = this.db) {
    return db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listByOwner(ownerUserId: string) {
    return this.db.selectFrom('apps').selectAll().where('owner_user_id', '=', ownerUserId).orderBy('created_at').execute();
  }

  async insert(row: AppsTable): Promise<void> {
    await this.db.insertInto('apps').values(row).execute();
  }

  async update(id: string, patch: Partial<Omit<AppsTable, 'id'>>, db: Db = this.db): Promise<void> {
    await db.updateTable('apps').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('apps').where('id', '=', id).execute();
  }

  /** Active installations of an app across workspaces. */
  activeInstallations(appId: string) {
    return this.db.selectFrom('app_installations').selectAll().where('app_id', '=', appId).where('uninstalled_at', 'is', null).execute();
  }
}
