import type { Kysely } from 'kysely';
import type { RelayDatabase } from './schema.js';

/** Registrations: which apps the relay accepts hooks for, and the secrets their hooks are signed with. */
export class AppsStore {
  constructor(private readonly db: Kysely<RelayDatabase>) {}

  /** Creates or replaces a registration; true when it is new. */
  async upsert(appId: string, secrets: readonly string[], now: number): Promise<boolean> {
    const encoded = JSON.stringify(secrets);
    const updated = await this.db.updateTable('relay_apps').set({ secrets: encoded, updated_at: now }).where('app_id', '=', appId).executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) return false;
    const inserted = await this.db
      .insertInto('relay_apps')
      .values({ app_id: appId, secrets: encoded, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('app_id').doUpdateSet({ secrets: encoded, updated_at: now }))
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 1n) > 0;
  }

  async secrets(appId: string): Promise<string[] | undefined> {
    const row = await this.db.selectFrom('relay_apps').select('secrets').where('app_id', '=', appId).executeTakeFirst();
    return row ? (JSON.parse(row.secrets) as string[]) : undefined;
  }

  /** Removes the registration; false when there was none. */
  async delete(appId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('relay_apps').where('app_id', '=', appId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
