import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { type CredentialsStore, normalizeTokenResponse, type OAuth2AccessTokenResponse } from './credentials-store.js';
import { loadBetterSqlite3 } from './optional-driver.js';

const SCHEMA = `
create table if not exists switchboard_bot_tokens (
  workspace_id text primary key,
  bot_token text not null,
  bot_user_id text not null,
  updated_at integer not null
);
create table if not exists switchboard_user_tokens (
  workspace_id text not null,
  user_id text not null,
  access_token text not null,
  updated_at integer not null,
  primary key (workspace_id, user_id)
);`;

function prepare(db: Database.Database) {
  return {
    botToken: db.prepare<[string], { bot_token: string }>('select bot_token from switchboard_bot_tokens where workspace_id = ?'),
    botUserId: db.prepare<[string], { bot_user_id: string }>('select bot_user_id from switchboard_bot_tokens where workspace_id = ?'),
    userToken: db.prepare<[string, string], { access_token: string }>(
      'select access_token from switchboard_user_tokens where workspace_id = ? and user_id = ?',
    ),
    upsertUser: db.prepare<[string, string, string, number]>(
      `insert into switchboard_user_tokens (workspace_id, user_id, access_token, updated_at) values (?, ?, ?, ?)
       on conflict (workspace_id, user_id) do update set access_token = excluded.access_token, updated_at = excluded.updated_at`,
    ),
    upsertBot: db.prepare<[string, string, string, number]>(
      `insert into switchboard_bot_tokens (workspace_id, bot_token, bot_user_id, updated_at) values (?, ?, ?, ?)
       on conflict (workspace_id) do update set bot_token = excluded.bot_token, bot_user_id = excluded.bot_user_id, updated_at = excluded.updated_at`,
    ),
    deleteUser: db.prepare<[string, string]>('delete from switchboard_user_tokens where workspace_id = ? and user_id = ?'),
    deleteWorkspaceUsers: db.prepare<[string]>('delete from switchboard_user_tokens where workspace_id = ?'),
    deleteWorkspaceBot: db.prepare<[string]>('delete from switchboard_bot_tokens where workspace_id = ?'),
  };
}

/**
 * Keeps credentials in a SQLite file (better-sqlite3): survives restarts, safe for several
 * processes on one machine (WAL + busy timeout), no server to run.
 * Pass a path (the store opens, chmods 0600 and closes the file) or your own open Database
 * (you keep ownership of it).
 * @example
 * const store = new SqliteTokenStore('./credentials.db');
 * await store.initialize();
 * const token = await store.getBotToken(workspaceId);
 */
export class SqliteTokenStore implements CredentialsStore {
  private db: Database.Database | undefined;
  private statements: ReturnType<typeof prepare> | undefined;
  private readonly ownsDatabase: boolean;

  constructor(private readonly source: string | Database.Database) {
    if (source === '') throw new TypeError('SqliteTokenStore needs a file path or a Database.');
    this.ownsDatabase = typeof source === 'string';
  }

  async initialize(): Promise<void> {
    if (this.db) return;
    let db: Database.Database;
    if (typeof this.source === 'string') {
      const inMemory = this.source === ':memory:';
      if (!inMemory) mkdirSync(dirname(this.source), { recursive: true });
      const Sqlite = loadBetterSqlite3('SqliteTokenStore');
      db = new Sqlite(this.source);
      // Tokens are bearer secrets: only the app's own user may read the file.
      if (!inMemory) chmodSync(this.source, 0o600);
      db.pragma('journal_mode = WAL');
    } else {
      db = this.source;
    }
    // Another process of the same app may be writing; wait instead of failing with SQLITE_BUSY.
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    this.db = db;
    this.statements = prepare(db);
  }

  async getBotToken(workspaceId: string): Promise<string | undefined> {
    return this.ready().botToken.get(workspaceId)?.bot_token;
  }

  async getBotUserId(workspaceId: string): Promise<string | undefined> {
    return this.ready().botUserId.get(workspaceId)?.bot_user_id;
  }

  async getUserToken(workspaceId: string, workspaceUserId: string): Promise<string | undefined> {
    return this.ready().userToken.get(workspaceId, workspaceUserId)?.access_token;
  }

  async saveTokens(accessTokenResponse: OAuth2AccessTokenResponse): Promise<void> {
    const tokens = normalizeTokenResponse(accessTokenResponse);
    const statements = this.ready();
    const now = Date.now();
    // One transaction: a reader never sees the person's token without the matching bot token.
    this.db!.transaction(() => {
      statements.upsertUser.run(tokens.workspaceId, tokens.userId, tokens.accessToken, now);
      if (tokens.bot) statements.upsertBot.run(tokens.workspaceId, tokens.bot.token, tokens.bot.userId, now);
    })();
  }

  async deleteWorkspace(workspaceId: string): Promise<void> {
    const statements = this.ready();
    this.db!.transaction(() => {
      statements.deleteWorkspaceUsers.run(workspaceId);
      statements.deleteWorkspaceBot.run(workspaceId);
    })();
  }

  async deleteUser(workspaceId: string, workspaceUserId: string): Promise<void> {
    this.ready().deleteUser.run(workspaceId, workspaceUserId);
  }

  async close(): Promise<void> {
    if (this.db && this.ownsDatabase) this.db.close();
    this.db = undefined;
    this.statements = undefined;
  }

  private ready(): ReturnType<typeof prepare> {
    if (!this.statements) throw new Error('SqliteTokenStore: call initialize() first.');
    return this.statements;
  }
}
