import type pg from 'pg';
import { type CredentialsStore, normalizeTokenResponse, type OAuth2AccessTokenResponse } from './credentials-store.js';
import { type PostgresStoreConnection, PostgresStorePool } from './postgres-pool.js';

/** Where the two tables live: a connection string or your pool, and an optional schema. */
export type PostgresTokenStoreOptions = PostgresStoreConnection;

// Any fixed number works; it only has to be the same for every instance of this store.
const MIGRATION_LOCK_KEY = 0x5357_4342; // "SWCB"

/**
 * Keeps credentials in PostgreSQL: for apps running several processes or machines.
 * `initialize()` creates the tables (under an advisory lock, so instances starting together
 * don't race); every write is one statement, so it is atomic without a transaction.
 * @example
 * const store = new PostgresTokenStore({ connectionString: process.env.DATABASE_URL });
 * await store.initialize();
 * await store.saveTokens(tokens);
 */
export class PostgresTokenStore implements CredentialsStore {
  private readonly db: PostgresStorePool;
  private readonly bots: string;
  private readonly users: string;
  private initialized = false;

  constructor(options: PostgresTokenStoreOptions) {
    this.db = new PostgresStorePool('PostgresTokenStore', options);
    this.bots = this.db.table('switchboard_bot_tokens');
    this.users = this.db.table('switchboard_user_tokens');
  }

  async initialize(): Promise<void> {
    if (this.initialized) return;
    await this.db.createTables(MIGRATION_LOCK_KEY, [
      `create table if not exists ${this.bots} (
        workspace_id text primary key,
        bot_token text not null,
        bot_user_id text not null,
        updated_at timestamptz not null default now()
      )`,
      `create table if not exists ${this.users} (
        workspace_id text not null,
        user_id text not null,
        access_token text not null,
        updated_at timestamptz not null default now(),
        primary key (workspace_id, user_id)
      )`,
    ]);
    this.initialized = true;
  }

  async getBotToken(workspaceId: string): Promise<string | undefined> {
    return this.one<{ bot_token: string }>(`select bot_token from ${this.bots} where workspace_id = $1`, [workspaceId]).then((r) => r?.bot_token);
  }

  async getBotUserId(workspaceId: string): Promise<string | undefined> {
    return this.one<{ bot_user_id: string }>(`select bot_user_id from ${this.bots} where workspace_id = $1`, [workspaceId]).then((r) => r?.bot_user_id);
  }

  async getUserToken(workspaceId: string, workspaceUserId: string): Promise<string | undefined> {
    const row = await this.one<{ access_token: string }>(`select access_token from ${this.users} where workspace_id = $1 and user_id = $2`, [
      workspaceId,
      workspaceUserId,
    ]);
    return row?.access_token;
  }

  async saveTokens(accessTokenResponse: OAuth2AccessTokenResponse): Promise<void> {
    const tokens = normalizeTokenResponse(accessTokenResponse);
    this.ready();
    // One statement (a data-modifying CTE) keeps person and bot tokens in step atomically.
    await this.db.pool.query(
      `with saved_user as (
         insert into ${this.users} (workspace_id, user_id, access_token) values ($1, $2, $3)
         on conflict (workspace_id, user_id) do update set access_token = excluded.access_token, updated_at = now()
       )
       insert into ${this.bots} (workspace_id, bot_token, bot_user_id)
       select $1, $4::text, $5::text where $4::text is not null
       on conflict (workspace_id) do update set bot_token = excluded.bot_token, bot_user_id = excluded.bot_user_id, updated_at = now()`,
      [tokens.workspaceId, tokens.userId, tokens.accessToken, tokens.bot?.token ?? null, tokens.bot?.userId ?? null],
    );
  }

  async deleteWorkspace(workspaceId: string): Promise<void> {
    this.ready();
    await this.db.pool.query(`with gone as (delete from ${this.users} where workspace_id = $1) delete from ${this.bots} where workspace_id = $1`, [
      workspaceId,
    ]);
  }

  async deleteUser(workspaceId: string, workspaceUserId: string): Promise<void> {
    this.ready();
    await this.db.pool.query(`delete from ${this.users} where workspace_id = $1 and user_id = $2`, [workspaceId, workspaceUserId]);
  }

  async close(): Promise<void> {
    this.initialized = false;
    await this.db.close();
  }

  private ready(): void {
    if (!this.initialized) throw new Error('PostgresTokenStore: call initialize() first.');
  }

  private async one<Row extends pg.QueryResultRow>(sql: string, params: string[]): Promise<Row | undefined> {
    this.ready();
    const result = await this.db.pool.query<Row>(sql, params);
    return result.rows[0];
  }
}
