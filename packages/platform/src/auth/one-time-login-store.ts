import type { Kysely } from 'kysely';
import type { Database, OneTimeLoginsTable } from '../store/schema.js';

/** Single-use sign-in links; only hashes of the tokens are stored. */
export class OneTimeLoginStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: OneTimeLoginsTable): Promise<void> {
    await this.db.insertInto('one_time_logins').values(row).execute();
  }

  /**
   * Marks a link used and returns it, in one statement so two clicks on the same link (two
   * nodes, a prefetching mail scanner) can never both sign in.
   */
  async consume(tokenHash: string, now: number): Promise<OneTimeLoginsTable | undefined> {
    const result = await this.db
      .updateTable('one_time_logins')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return undefined;
    return this.db.selectFrom('one_time_logins').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  /** Drops links that can no longer be used. */
  async prune(now: number): Promise<void> {
    await this.db.deleteFrom('one_time_logins').where('expires_at', '<=', now).execute();
  }
}
