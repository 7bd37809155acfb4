import type { Kysely, Transaction } from 'kysely';
import type { AppTokensTable, Database, OAuthCodesTable } from '../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Installations (per workspace), authorizations (per person), codes and app tokens. */
export class InstallationsStore {
  constructor(readonly db: Kysely<Database>) {}

  activeInstallation(appId: string, workspaceId: string, db: Db = this.db) {
    return db
      .selectFrom('app_installations')
      .selectAll()
      .where('app_id', '=', appId)
      .where('workspace_id', '=', workspaceId)
      .where('uninstalled_at', 'is', null)
      .executeTakeFirst();
  }

  installationsOfWorkspace(workspaceId: string) {
    return this.db.selectFrom('app_installations').selectAll().where('workspace_id', '=', workspaceId).where('uninstalled_at', 'is', null).execute();
  }

  activeAuthorization(appId: string, userId: string, db: Db = this.db) {
    return db
      .selectFrom('app_authorizations')
      .selectAll()
      .where('app_id', '=', appId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
  }

  authorizedAppsOf(userId: string) {
    return this.db.selectFrom('app_authorizations').select('app_id').where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
  }

  async insertCode(row: OAuthCodesTable): Promise<void> {
    await this.db.insertInto('oauth_codes').values(row).execute();
  }

  findCode(codeHash: string, db: Db = this.db) {
    return db.selectFrom('oauth_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
  }

  /** Marks a code used; true only for the single caller that consumed it. */
  async consumeCode(db: Db, codeHash: string, now: number): Promise<boolean> {
    const result = await db
      .updateTable('oauth_codes')
      .set({ consumed_at: now })
      .where('code_hash', '=', codeHash)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async insertToken(db: Db, row: AppTokensTable): Promise<void> {
    await db.insertInto('app_tokens').values(row).execute();
  }

  findToken(tokenHash: string) {
    return this.db.selectFrom('app_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  async revokeTokens(db: Db, where: { hashes?: string[]; appId?: string; workspaceId?: string; userId?: string; kind?: AppTokensTable['kind'] }, now: number) {
    let query = db.updateTable('app_tokens').set({ revoked_at: now }).where('revoked_at', 'is', null);
    if (where.hashes) {
      if (where.hashes.length === 0) return;
      query = query.where('token_hash', 'in', where.hashes);
    }
    if (where.appId) query = query.where('app_id', '=', where.appId);
    if (where.workspaceId) query = query.where('workspace_id', '=', where.workspaceId);
    if (where.userId) query = query.where('user_id', '=', where.userId);
    if (where.kind) query = query.where('kind', '=', where.kind);
    await query.execute();
  }
}
