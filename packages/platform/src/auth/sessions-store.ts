import type { Kysely } from 'kysely';
import type { Database, SessionsTable } from '../store/schema.js';

/** Queries on sessions and refresh tokens. Only token hashes are ever stored. */
export class SessionsStore {
  constructor(private readonly db: Kysely<Database>) {}

  findAccountByEmail(email: string) {
    return this.db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
  }

  /** The person's membership in a workspace (the first one when `workspaceId` is absent). */
  findMembership(accountId: string, workspaceId?: string) {
    let query = this.db.selectFrom('workspace_users').selectAll().where('account_id', '=', accountId).where('status', '=', 'ACTIVE');
    if (workspaceId) query = query.where('workspace_id', '=', workspaceId);
    return query.orderBy('created_at').limit(1).executeTakeFirst();
  }

  /** Every workspace the person is an active member of, oldest first. */
  listMemberships(accountId: string) {
    return this.db.selectFrom('workspace_users').selectAll().where('account_id', '=', accountId).where('status', '=', 'ACTIVE').orderBy('created_at').execute();
  }

  async createSession(session: SessionsTable, refreshHash: string, refreshExpiresAt: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('sessions').values(session).execute();
      await trx
        .insertInto('refresh_tokens')
        .values({ token_hash: refreshHash, session_id: session.id, created_at: session.created_at, expires_at: refreshExpiresAt, used_at: null })
        .execute();
    });
  }

  findSession(id: string) {
    return this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findSessionByCookie(cookieHash: string) {
    return this.db.selectFrom('sessions').selectAll().where('cookie_hash', '=', cookieHash).executeTakeFirst();
  }

  /** Role and status of the session's person, checked on every request. */
  findUser(userId: string) {
    return this.db.selectFrom('workspace_users').select(['role', 'status']).where('id', '=', userId).executeTakeFirst();
  }

  /**
   * Rotates a refresh token atomically: marks the old one used (only if unused) and stores the
   * new one. A token of an ended session or of another workspace is `unknown` and left untouched,
   * so a mistaken request never burns a valid token (its real use would then look like a replay).
   * Returns `reused` when the token had already been rotated.
   */
  async rotateRefresh(
    oldHash: string,
    newHash: string,
    workspaceId: string,
    now: number,
    expiresAt: number,
  ): Promise<{ outcome: 'rotated'; sessionId: string } | { outcome: 'reused'; sessionId: string } | { outcome: 'unknown' }> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('refresh_tokens')
        .innerJoin('sessions', 'sessions.id', 'refresh_tokens.session_id')
        .select(['refresh_tokens.session_id', 'refresh_tokens.expires_at', 'sessions.workspace_id', 'sessions.revoked_at'])
        .select('sessions.expires_at as session_expires_at')
        .where('refresh_tokens.token_hash', '=', oldHash)
        .executeTakeFirst();
      if (!row || row.expires_at <= now || row.workspace_id !== workspaceId) return { outcome: 'unknown' as const };
      if (row.revoked_at !== null || row.session_expires_at <= now) return { outcome: 'unknown' as const };
      const claimed = await trx
        .updateTable('refresh_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', oldHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return { outcome: 'reused' as const, sessionId: row.session_id };
      await trx
        .insertInto('refresh_tokens')
        .values({ token_hash: newHash, session_id: row.session_id, created_at: now, expires_at: expiresAt, used_at: null })
        .execute();
      return { outcome: 'rotated' as const, sessionId: row.session_id };
    });
  }

  async revokeSession(id: string, now: number): Promise<void> {
    await this.db.updateTable('sessions').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  }

  async revokeSessionsOfUser(userId: string, now: number): Promise<void> {
    await this.db.updateTable('sessions').set({ revoked_at: now }).where('workspace_user_id', '=', userId).where('revoked_at', 'is', null).execute();
  }
}
