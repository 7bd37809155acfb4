import type { SecretBox } from '@switchboard/protocol';
import type { Kysely } from 'kysely';
import type { RelayDatabase } from './schema.js';

/** Sealed values start with the box's version tag; anything else is a JSON array stored before sealing. */
const SEALED = 'v1.';

/**
 * Registrations: which apps the relay accepts hooks for, and the secrets their hooks are signed
 * with, sealed with `box` (the app id bound in, so a sealed value cannot be moved to another app).
 * Without a box they are stored as a JSON array; unsealed rows stay readable and are sealed by
 * `sealStored` once a key is configured.
 */
export class AppsStore {
  constructor(
    private readonly db: Kysely<RelayDatabase>,
    private readonly box: SecretBox | undefined,
  ) {}

  /** Creates or replaces a registration; true when it is new. */
  async upsert(appId: string, secrets: readonly string[], now: number): Promise<boolean> {
    const encoded = this.encode(appId, secrets);
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
    return row ? this.decode(appId, row.secrets) : undefined;
  }

  /** Removes the registration; false when there was none. */
  async delete(appId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('relay_apps').where('app_id', '=', appId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Seals registrations stored unsealed (before a key was configured); returns how many. */
  async sealStored(): Promise<number> {
    if (!this.box) return 0;
    const rows = await this.db.selectFrom('relay_apps').select(['app_id', 'secrets']).where('secrets', 'not like', `${SEALED}%`).execute();
    for (const row of rows) {
      await this.db
        .updateTable('relay_apps')
        .set({ secrets: this.encode(row.app_id, JSON.parse(row.secrets) as string[]) })
        .where('app_id', '=', row.app_id)
        .where('secrets', '=', row.secrets)
        .execute();
    }
    return rows.length;
  }

  private encode(appId: string, secrets: readonly string[]): string {
    const json = JSON.stringify(secrets);
    return this.box ? this.box.seal(json, purpose(appId)) : json;
  }

  private decode(appId: string, stored: string): string[] {
    if (!stored.startsWith(SEALED)) return JSON.parse(stored) as string[];
    if (!this.box) throw new Error(`The secrets of app ${appId} are sealed, and this relay has no key (SWITCHBOARD_RELAY_SECRET_KEY).`);
    try {
      return JSON.parse(this.box.open(stored, purpose(appId))) as string[];
    } catch {
      throw new Error(`The secrets of app ${appId} cannot be opened with this relay's key (is SWITCHBOARD_RELAY_SECRET_KEY the same on every node?).`);
    }
  }
}

function purpose(appId: string): string {
  return `relay_apps:${appId}:secrets`;
}
