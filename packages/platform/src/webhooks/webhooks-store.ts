import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, WebhooksTable } from '../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** An enabled webhook of an app installed in a workspace, with who the app acts for there. */
export interface InstalledWebhookRow {
  id: string;
  app_id: string;
  events: string;
  bot_user_id: string | null;
  bot_scopes: string;
}

/** The webhooks table (secrets sealed) and the X-OUTBOUND-INDEX counters. */
export class WebhooksStore {
  constructor(readonly db: Kysely<Database>) {}

  find(id: string, db: Db = this.db) {
    return db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listByApp(appId: string) {
    return this.db.selectFrom('webhooks').selectAll().where('app_id', '=', appId).orderBy('id').execute();
  }

  async countByApp(appId: string): Promise<number> {
    const row = await this.db
      .selectFrom('webhooks')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('app_id', '=', appId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async insert(row: WebhooksTable): Promise<void> {
    await this.db.insertInto('webhooks').values(row).execute();
  }

  async update(id: string, patch: Partial<Omit<WebhooksTable, 'id' | 'app_id'>>): Promise<void> {
    await this.db.updateTable('webhooks').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Enabled webhooks of apps actively installed in the workspace. */
  enabledIn(workspaceId: string, db: Db = this.db): Promise<InstalledWebhookRow[]> {
    return db
      .selectFrom('webhooks as w')
      .innerJoin('app_installations as i', 'i.app_id', 'w.app_id')
      .select(['w.id', 'w.app_id', 'w.events', 'i.bot_user_id', 'i.bot_scopes'])
      .where('i.workspace_id', '=', workspaceId)
      .where('i.uninstalled_at', 'is', null)
      .where('w.enabled', '=', 1)
      .orderBy('w.id')
      .execute();
  }

  /** The people who authorized these apps in the workspace, with their user scopes (JSON). */
  authorizations(workspaceId: string, appIds: readonly string[], db: Db = this.db) {
    return db
      .selectFrom('app_authorizations')
      .select(['app_id', 'user_id', 'user_scopes'])
      .where('workspace_id', '=', workspaceId)
      .where('app_id', 'in', appIds)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /**
   * The next X-OUTBOUND-INDEX of (app, channel), inside the caller's transaction. The upsert
   * locks the counter row until commit, so on PostgreSQL concurrent posts to one channel get
   * their indexes in commit order.
   */
  async nextIndex(trx: Db, appId: string, channelKey: string): Promise<number> {
    const row = await trx
      .insertInto('webhook_sequences')
      .values({ app_id: appId, channel_key: channelKey, last_index: 1 })
      .onConflict((oc) => oc.columns(['app_id', 'channel_key']).doUpdateSet({ last_index: sql<number>`webhook_sequences.last_index + 1` }))
      .returning('last_index')
      .executeTakeFirstOrThrow();
    return Number(row.last_index);
  }
}
