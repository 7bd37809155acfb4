import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { loadBetterSqlite3 } from '../stores/optional-driver.js';
import { DataCipher } from './data-cipher.js';
import { type Bot, checkServiceData, normalizeServiceKey, type Service, type ServiceData, type ServiceKey, type ServicesStore } from './services-store.js';

export interface SqliteServicesStoreOptions {
  /** A file path (the store opens it, chmods 0600, closes it), `:memory:`, or your own open Database. */
  database: string | Database.Database;
  /** 32 bytes (64 hex characters or base64): seals every `data` with AES-256-GCM. */
  encryptionKey: string | Uint8Array;
}

// Seed 002's tables. `data` holds the sealed JSON (`v1.<iv>.<tag>.<ciphertext>`), never plaintext.
// Absent bot/group/user are NULL; the unique index treats NULL as '' so a key names one row.
const SCHEMA = `
create table if not exists services (
  id integer primary key autoincrement,
  name varchar(255) not null,
  botId varchar(255),
  groupId varchar(255),
  userId varchar(255),
  data text not null,
  createdAt datetime not null,
  updatedAt datetime not null
);
create unique index if not exists services_identity on services (name, coalesce(botId, ''), coalesce(groupId, ''), coalesce(userId, ''));
create table if not exists bots (
  id varchar(255) primary key,
  workspaceId varchar(255),
  data text not null,
  createdAt datetime not null,
  updatedAt datetime not null
);
create table if not exists oauth_states (
  id varchar(255) primary key,
  expiresAt integer not null
);
create index if not exists oauth_states_expiry on oauth_states (expiresAt);`;

interface ServiceRow {
  id: number;
  name: string;
  botId: string | null;
  groupId: string | null;
  userId: string | null;
  data: string;
  createdAt: number;
  updatedAt: number;
}
interface BotRow {
  id: string;
  workspaceId: string | null;
  data: string;
  createdAt: number;
  updatedAt: number;
}

// Written like the unique index (ids are never ''), so lookups use it.
const KEY_MATCH =
  "name = @name and coalesce(botId, '') = coalesce(@botId, '') and coalesce(groupId, '') = coalesce(@groupId, '') and coalesce(userId, '') = coalesce(@userId, '')";

function prepare(db: Database.Database) {
  return {
    upsertService: db.prepare<Record<string, unknown>, ServiceRow>(
      `insert into services (name, botId, groupId, userId, data, createdAt, updatedAt) values (@name, @botId, @groupId, @userId, @data, @now, @now)
       on conflict (name, coalesce(botId, ''), coalesce(groupId, ''), coalesce(userId, '')) do update set data = excluded.data, updatedAt = excluded.updatedAt
       returning *`,
    ),
    findService: db.prepare<Record<string, unknown>, ServiceRow>(`select * from services where ${KEY_MATCH}`),
    deleteService: db.prepare<Record<string, unknown>>(`delete from services where ${KEY_MATCH}`),
    upsertBot: db.prepare<Record<string, unknown>, BotRow>(
      `insert into bots (id, workspaceId, data, createdAt, updatedAt) values (@id, @workspaceId, @data, @now, @now)
       on conflict (id) do update set workspaceId = excluded.workspaceId, data = excluded.data, updatedAt = excluded.updatedAt returning *`,
    ),
    findBot: db.prepare<[string], BotRow>('select * from bots where id = ?'),
    deleteBot: db.prepare<[string]>('delete from bots where id = ?'),
    deleteBotServices: db.prepare<[string]>('delete from services where botId = ?'),
    consumeState: db.prepare<[string, number]>('insert into oauth_states (id, expiresAt) values (?, ?) on conflict (id) do nothing'),
    pruneStates: db.prepare<[number]>('delete from oauth_states where expiresAt <= ?'),
  };
}

/**
 * The {@link ServicesStore} in a SQLite file (better-sqlite3): nothing to run, survives restarts,
 * shared safely by processes on one machine (WAL + busy timeout).
 * @example
 * const services = new SqliteServicesStore({ database: './services.db', encryptionKey: process.env.SERVICES_KEY! });
 * await services.initialize();
 * await services.saveService({ name: 'GitHub', botId, groupId: channelId, data: { accessToken } });
 */
export class SqliteServicesStore implements ServicesStore {
  private db: Database.Database | undefined;
  private statements: ReturnType<typeof prepare> | undefined;
  private readonly cipher: DataCipher;

  constructor(private readonly options: SqliteServicesStoreOptions) {
    if (options.database === '') throw new TypeError('SqliteServicesStore needs a file path or a Database.');
    this.cipher = new DataCipher(options.encryptionKey);
  }

  async initialize(): Promise<void> {
    if (this.db) return;
    const source = this.options.database;
    let db: Database.Database;
    if (typeof source === 'string') {
      const inMemory = source === ':memory:';
      if (!inMemory) mkdirSync(dirname(source), { recursive: true });
      const Sqlite = loadBetterSqlite3('SqliteServicesStore');
      db = new Sqlite(source);
      if (!inMemory) chmodSync(source, 0o600);
      db.pragma('journal_mode = WAL');
    } else {
      db = source;
    }
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    this.db = db;
    this.statements = prepare(db);
  }

  async saveService(service: ServiceKey & { data: ServiceData }): Promise<Service> {
    const key = normalizeServiceKey(service);
    const data = this.cipher.sealService(key, checkServiceData(service.data));
    return this.toService(this.ready().upsertService.get({ ...key, data, now: Date.now() }) as ServiceRow);
  }

  async findService(key: ServiceKey): Promise<Service | undefined> {
    const row = this.ready().findService.get(normalizeServiceKey(key));
    return row && this.toService(row);
  }

  async listServices(filter: Partial<ServiceKey> = {}): Promise<Service[]> {
    this.ready();
    const fields = (['name', 'botId', 'groupId', 'userId'] as const).filter((field) => filter[field] !== undefined);
    const where = fields.map((field) => (filter[field] === null ? `${field} is null` : `${field} = @${field}`));
    const sql = `select * from services${where.length ? ` where ${where.join(' and ')}` : ''} order by id`;
    const params = Object.fromEntries(fields.filter((field) => filter[field] !== null).map((field) => [field, filter[field]]));
    return (this.db!.prepare<Record<string, unknown>, ServiceRow>(sql).all(params) as ServiceRow[]).map((row) => this.toService(row));
  }

  async deleteService(key: ServiceKey): Promise<boolean> {
    return this.ready().deleteService.run(normalizeServiceKey(key)).changes > 0;
  }

  async saveBot(bot: { id: string; workspaceId?: string | null; data: ServiceData }): Promise<Bot> {
    if (typeof bot.id !== 'string' || bot.id.length === 0) throw new TypeError('A bot needs an id.');
    const data = this.cipher.sealBot(bot.id, checkServiceData(bot.data));
    return this.toBot(this.ready().upsertBot.get({ id: bot.id, workspaceId: bot.workspaceId ?? null, data, now: Date.now() }) as BotRow);
  }

  async findBot(id: string): Promise<Bot | undefined> {
    const row = this.ready().findBot.get(id);
    return row && this.toBot(row);
  }

  async deleteBot(id: string): Promise<boolean> {
    const statements = this.ready();
    // One transaction: no reader sees services of a bot that is gone.
    return this.db!.transaction(() => {
      statements.deleteBotServices.run(id);
      return statements.deleteBot.run(id).changes > 0;
    })();
  }

  async consume(id: string, expiresAt: number): Promise<boolean> {
    const statements = this.ready();
    return this.db!.transaction(() => {
      statements.pruneStates.run(Date.now());
      return statements.consumeState.run(id, expiresAt).changes === 1;
    })();
  }

  async close(): Promise<void> {
    if (this.db && typeof this.options.database === 'string') this.db.close();
    this.db = undefined;
    this.statements = undefined;
  }

  private ready(): ReturnType<typeof prepare> {
    if (!this.statements) throw new Error('SqliteServicesStore: call initialize() first.');
    return this.statements;
  }

  private toService(row: ServiceRow): Service {
    const key = { name: row.name, botId: row.botId, groupId: row.groupId, userId: row.userId };
    return { id: row.id, ...key, data: this.cipher.openService(key, row.data), createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) };
  }

  private toBot(row: BotRow): Bot {
    return {
      id: row.id,
      workspaceId: row.workspaceId,
      data: this.cipher.openBot(row.id, row.data),
      createdAt: new Date(row.createdAt),
      updatedAt: new Date(row.updatedAt),
    };
  }
}
