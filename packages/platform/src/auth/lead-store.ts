import type { Kysely } from 'kysely';
import type { Database, LoginExchangesTable, LoginLeadsTable } from '../store/schema.js';

/** Queries of the e-mail code sign-in (migration 021). Only hashes of ids, codes and tokens. */
export class LeadStore {
  constructor(private readonly db: Kysely<Database>) {}

  insertLead(row: LoginLeadsTable) {
    return this.db.insertInto('login_leads').values(row).execute();
  }

  async countRecentLeads(email: string, since: number): Promise<number> {
    const row = await this.db
      .selectFrom('login_leads')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('email', '=', email)
      .where('created_at', '>', since)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  findLead(idHash: string) {
    return this.db.selectFrom('login_leads').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  }

  /** Older pumble-cli versions activate without the lead id: the newest open lead of the address. */
  findOpenLeadByEmail(email: string, now: number) {
    return this.db
      .selectFrom('login_leads')
      .selectAll()
      .where('email', '=', email)
      .where('activated_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async countAttempt(idHash: string): Promise<void> {
    await this.db
      .updateTable('login_leads')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id_hash', '=', idHash)
      .execute();
  }

  /** Marks the lead activated unless it already was; false when another request won. */
  async activate(idHash: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('login_leads')
      .set({ activated_at: now })
      .where('id_hash', '=', idHash)
      .where('activated_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Consumes an activated lead and stores its exchange tokens, atomically: a lead logs in once. */
  async consume(idHash: string, now: number, exchanges: LoginExchangesTable[]): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('login_leads')
        .set({ consumed_at: now })
        .where('id_hash', '=', idHash)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      if (exchanges.length > 0) await trx.insertInto('login_exchanges').values(exchanges).execute();
      return true;
    });
  }

  /** Uses an exchange token once; returns its row when it was unused, unexpired and for `workspaceId`. */
  async useExchange(tokenHash: string, workspaceId: string, now: number): Promise<LoginExchangesTable | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('login_exchanges').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      if (!row || row.used_at !== null || row.expires_at <= now || row.workspace_id !== workspaceId) return undefined;
      const result = await trx
        .updateTable('login_exchanges')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1 ? row : undefined;
    });
  }

  /** Forgets leads and exchange tokens that ended more than a day ago. */
  async prune(before: number): Promise<void> {
    await this.db.deleteFrom('login_leads').where('expires_at', '<', before).execute();
    await this.db.deleteFrom('login_exchanges').where('expires_at', '<', before).execute();
  }
}
