import type pg from 'pg';
import { type PostgresStoreConnection, PostgresStorePool } from '../stores/postgres-pool.js';
import { DataCipher } from './data-cipher.js';
import { type Bot, checkServiceData, normalizeServiceKey, type Service, type ServiceData, type ServiceKey, type ServicesStore } from './services-store.js';

export interface PostgresServicesStoreOptions extends PostgresStoreConnection {
  /** 32 bytes (64 hex characters or base64): seals every `data` with AES-256-GCM. */
  encryptionKey: string | Uint8Array;
}

// The same for every instance, so instances starting together create the tables once.
const MIGRATION_LOCK_KEY = 0x5357_5356; // "SWSV"

interface ServiceRow {
  id: string;
  name: string;
  botId: string | null;
  groupId: string | null;
  userId: string | null;
  data: string;
  createdAt: Date;
  updatedAt: Date;
}
interface BotRow {
  id: string;
  workspaceId: string | null;
  data: string;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The {@link ServicesStore} in PostgreSQL, for apps running several processes or machines.
 * Every write is one statement (an upsert keyed by a unique index), so it is atomic and safe
 * under concurrency without explicit transactions.
 * @example
 * const services = new PostgresServicesStore({ connectionString: process.env.DATABASE_URL, encryptionKey: process.env.SERVICES_KEY! });
 * await services.initialize();
 * const github = await services.findService({ name: 'GitHub', botId, groupId: channelId });
 */
export class PostgresServicesStore implements ServicesStore {
  private readonly db: PostgresStorePool;
  private readonly cipher: DataCipher;
  private readonly services: string;
  private readonly bots: string;
  private readonly states: string;
  private initialized = false;

  constructor(options: PostgresServicesStoreOptions) {
    this.cipher = new DataCipher(options.encryptionKey);
    this.db = new PostgresStorePool('PostgresServicesStore', options);
    this.services = this.db.table('services');
    this.bots = this.db.table('bots');
    this.states = this.db.table('oauth_states');
  }

  async initialize(): Promise<void> {
    if (this.initialized) return;
    // Seed 002's tables; `data` is the sealed JSON (`v1.<iv>.<tag>.<ciphertext>`), never plaintext.
    // Every consume of a state prunes expired ones; the expiry index keeps that a range scan.
    await this.db.createTables(MIGRATION_LOCK_KEY, [
      `create table if not exists ${this.services} (
        id bigserial primary key,
        name varchar(255) not null,
        "botId" varchar(255),
        "groupId" varchar(255),
        "userId" varchar(255),
        data text not null,
        "createdAt" timestamptz not null default now(),
        "updatedAt" timestamptz not null default now()
      )`,
      `create unique index if not exists services_identity on ${this.services} (name, coalesce("botId", ''), coalesce("groupId", ''), coalesce("userId", ''))`,
      `create table if not exists ${this.bots} (
        id varchar(255) primary key,
        "workspaceId" varchar(255),
        data text not null,
        "createdAt" timestamptz not null default now(),
        "updatedAt" timestamptz not null default now()
      )`,
      `create table if not exists ${this.states} (id varchar(255) primary key, "expiresAt" bigint not null)`,
      `create index if not exists oauth_states_expiry on ${this.states} ("expiresAt")`,
    ]);
    this.initialized = true;
  }

  async saveService(service: ServiceKey & { data: ServiceData }): Promise<Service> {
    const key = normalizeServiceKey(service);
    const data = this.cipher.sealService(key, checkServiceData(service.data));
    const rows = await this.query<ServiceRow>(
      `insert into ${this.services} (name, "botId", "groupId", "userId", data) values ($1, $2, $3, $4, $5)
       on conflict (name, coalesce("botId", ''), coalesce("groupId", ''), coalesce("userId", ''))
       do update set data = excluded.data, "updatedAt" = now() returning *`,
      [key.name, key.botId, key.groupId, key.userId, data],
    );
    return this.toService(rows[0]);
  }

  async findService(key: ServiceKey): Promise<Service | undefined> {
    const k = normalizeServiceKey(key);
    const rows = await this.query<ServiceRow>(`select * from ${this.services} where ${KEY_MATCH}`, [k.name, k.botId, k.groupId, k.userId]);
    return rows[0] && this.toService(rows[0]);
  }

  async listServices(filter: Partial<ServiceKey> = {}): Promise<Service[]> {
    const params: string[] = [];
    const where = (['name', 'botId', 'groupId', 'userId'] as const)
      .filter((field) => filter[field] !== undefined)
      .map((field) => {
        const value = filter[field];
        if (value === null) return `"${field}" is null`;
        params.push(value as string);
        return `"${field}" = $${params.length}`;
      });
    const rows = await this.query<ServiceRow>(`select * from ${this.services}${where.length ? ` where ${where.join(' and ')}` : ''} order by id`, params);
    return rows.map((row) => this.toService(row));
  }

  async deleteService(key: ServiceKey): Promise<boolean> {
    const k = normalizeServiceKey(key);
    this.ready();
    const result = await this.db.pool.query(`delete from ${this.services} where ${KEY_MATCH}`, [k.name, k.botId, k.groupId, k.userId]);
    return (result.rowCount ?? 0) > 0;
  }

  async saveBot(bot: { id: string; workspaceId?: string | null; data: ServiceData }): Promise<Bot> {
    if (typeof bot.id !== 'string' || bot.id.length === 0) throw new TypeError('A bot needs an id.');
    const data = this.cipher.sealBot(bot.id, checkServiceData(bot.data));
    const rows = await this.query<BotRow>(
      `insert into ${this.bots} (id, "workspaceId", data) values ($1, $2, $3)
       on conflict (id) do update set "workspaceId" = excluded."workspaceId", data = excluded.data, "updatedAt" = now() returning *`,
      [bot.id, bot.workspaceId ?? null, data],
    );
    return this.toBot(rows[0]);
  }

  async findBot(id: string): Promise<Bot | undefined> {
    const rows = await this.query<BotRow>(`select * from ${this.bots} where id = $1`, [id]);
    return rows[0] && this.toBot(rows[0]);
  }

  async deleteBot(id: string): Promise<boolean> {
    // One statement: the bot and its services go together.
    const rows = await this.query<{ id: string }>(
      `with gone as (delete from ${this.services} where "botId" = $1) delete from ${this.bots} where id = $1 returning id`,
      [id],
    );
    return rows.length > 0;
  }

  async consume(id: string, expiresAt: number): Promise<boolean> {
    // Expired rows are pruned in the same statement; a replay finds its row and inserts nothing.
    const rows = await this.query<{ id: string }>(
      `with pruned as (delete from ${this.states} where "expiresAt" <= $3)
       insert into ${this.states} (id, "expiresAt") values ($1, $2) on conflict (id) do nothing returning id`,
      [id, expiresAt, Date.now()],
    );
    return rows.length === 1;
  }

  async close(): Promise<void> {
    this.initialized = false;
    await this.db.close();
  }

  private ready(): void {
    if (!this.initialized) throw new Error('PostgresServicesStore: call initialize() first.');
  }

  private async query<Row extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<Row[]> {
    this.ready();
    return (await this.db.pool.query<Row>(sql, params)).rows;
  }

  private toService(row: ServiceRow): Service {
    const key = { name: row.name, botId: row.botId, groupId: row.groupId, userId: row.userId };
    return { id: Number(row.id), ...key, data: this.cipher.openService(key, row.data), createdAt: row.createdAt, updatedAt: row.updatedAt };
  }

  private toBot(row: BotRow): Bot {
    return { id: row.id, workspaceId: row.workspaceId, data: this.cipher.openBot(row.id, row.data), createdAt: row.createdAt, updatedAt: row.updatedAt };
  }
}

// Written like the unique index (ids are never ''), so lookups use it.
const KEY_MATCH = `name = $1 and coalesce("botId", '') = coalesce($2, '') and coalesce("groupId", '') = coalesce($3, '') and coalesce("userId", '') = coalesce($4, '')`;
