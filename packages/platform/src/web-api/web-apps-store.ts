import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** An app the Configure Apps page shows, with its installation in the caller's workspace if any. */
export interface AppCandidateRow {
  id: string;
  manifest: string;
  owner_user_id: string;
  bot_user_id: string | null;
  bot_scopes: string | null;
  installed: boolean;
}

/** Reads for Configure Apps: the workspace's installed apps, the caller's own and the published ones. */
export class WebAppsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async candidates(workspaceId: string, userId: string): Promise<AppCandidateRow[]> {
    const rows = await this.db
      .selectFrom('apps as a')
      .leftJoin('app_installations as i', (join) =>
        join.onRef('i.app_id', '=', 'a.id').on('i.workspace_id', '=', workspaceId).on('i.uninstalled_at', 'is', null),
      )
      .select(['a.id', 'a.manifest', 'a.owner_user_id', 'i.bot_user_id', 'i.bot_scopes', 'i.id as installation_id'])
      .where((eb) => eb.or([eb('i.id', 'is not', null), eb('a.owner_user_id', '=', userId), eb('a.published', '=', 1)]))
      .orderBy('a.created_at')
      .limit(500)
      .execute();
    return rows.map(({ installation_id, ...row }) => ({ ...row, installed: installation_id !== null }));
  }

  async authorizedAppIds(workspaceId: string, userId: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('app_authorizations')
      .select('app_id')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
    return new Set(rows.map((r) => r.app_id));
  }

  async botProfiles(userIds: string[]): Promise<Map<string, { name: string; title: string | null }>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('workspace_users').select(['id', 'name', 'title']).where('id', 'in', userIds).execute();
    return new Map(rows.map((r) => [r.id, { name: r.name, title: r.title }]));
  }
}
