import type { Kysely } from 'kysely';
import type { Database, HomeViewsTable } from '../../store/schema.js';

/** Home views apps published per person, and the facts needed to show them. */
export class HomeViewsStore {
  constructor(readonly db: Kysely<Database>) {}

  find(appId: string, userId: string) {
    return this.db.selectFrom('home_views').selectAll().where('app_id', '=', appId).where('user_id', '=', userId).executeTakeFirst();
  }

  async save(row: HomeViewsTable): Promise<void> {
    await this.db
      .insertInto('home_views')
      .values(row)
      .onConflict((oc) => oc.columns(['app_id', 'user_id']).doUpdateSet({ view: row.view, updated_at: row.updated_at, workspace_id: row.workspace_id }))
      .execute();
  }

  /** The app's manifest, when it is installed (and not uninstalled) in the workspace. */
  async installedManifest(appId: string, workspaceId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('app_installations as i')
      .innerJoin('apps as a', 'a.id', 'i.app_id')
      .select('a.manifest')
      .where('i.app_id', '=', appId)
      .where('i.workspace_id', '=', workspaceId)
      .where('i.uninstalled_at', 'is', null)
      .executeTakeFirst();
    return row?.manifest;
  }
}
