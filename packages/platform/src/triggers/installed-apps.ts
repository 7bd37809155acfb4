import type { Manifest } from '@switchboard/protocol';
import type { Kysely } from 'kysely';
import type { AppsTable, Database } from '../store/schema.js';

/** An app installed in a workspace, with its parsed manifest: where its triggers go. */
export interface InstalledApp {
  app: AppsTable;
  manifest: Manifest;
  /** The app's bot user in this workspace (what authored its messages), when it has a bot. */
  botUserId: string | null;
}

/**
 * The live installations of a workspace. Every trigger starts here: a slash command looks
 * for its owner, a shortcut lists them, a block interaction finds the app that authored a
 * message by its bot user.
 */
export class InstalledApps {
  constructor(private readonly db: Kysely<Database>) {}

  async of(workspaceId: string): Promise<InstalledApp[]> {
    const rows = await this.db
      .selectFrom('app_installations as i')
      .innerJoin('apps as a', 'a.id', 'i.app_id')
      .selectAll('a')
      .select('i.bot_user_id')
      .where('i.workspace_id', '=', workspaceId)
      .where('i.uninstalled_at', 'is', null)
      .execute();
    return rows.map(({ bot_user_id, ...app }) => ({ app, manifest: JSON.parse(app.manifest) as Manifest, botUserId: bot_user_id }));
  }

  async byId(workspaceId: string, appId: string): Promise<InstalledApp | undefined> {
    return (await this.of(workspaceId)).find((i) => i.app.id === appId);
  }

  /** The app whose bot is `userId` in this workspace (who authored a message). */
  async byBotUser(workspaceId: string, userId: string): Promise<InstalledApp | undefined> {
    return (await this.of(workspaceId)).find((i) => i.botUserId === userId);
  }
}
