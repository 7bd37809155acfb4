import type pg from 'pg';
import { loadPg } from './optional-driver.js';

/** How a PostgreSQL-backed SDK store reaches its database. */
export interface PostgresStoreConnection {
  /** e.g. `postgres://user@host:5432/db`; ignored when `pool` is given. */
  connectionString?: string;
  /** Share your app's pool; the store then leaves closing it to you. */
  pool?: pg.Pool;
  /** Schema for the store's tables (created if missing); default: the connection's search_path. */
  schema?: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * The pool and table-name prefix of a PostgreSQL store, shared by the SDK's stores: the schema is
 * spliced into SQL (identifiers cannot be parameters), so only plain names pass.
 */
export class PostgresStorePool {
  readonly pool: pg.Pool;
  readonly schema: string | undefined;
  private readonly ownsPool: boolean;

  constructor(storeName: string, options: PostgresStoreConnection) {
    if (!options.pool && !options.connectionString) throw new TypeError(`${storeName} needs a connectionString or a pool.`);
    if (options.schema !== undefined && !IDENTIFIER.test(options.schema)) {
      throw new TypeError(`${storeName}: invalid schema name ${JSON.stringify(options.schema)}.`);
    }
    this.ownsPool = !options.pool;
    this.pool = options.pool ?? new (loadPg(storeName).Pool)({ connectionString: options.connectionString });
    // An idle client dropped by the server emits 'error' on the pool; unhandled, it would kill the app.
    if (this.ownsPool) this.pool.on('error', () => {});
    this.schema = options.schema;
  }

  /** `table` qualified with the store's schema, ready to splice into SQL. */
  table(name: string): string {
    return this.schema ? `"${this.schema}".${name}` : name;
  }

  /**
   * Runs `statements` (idempotent DDL) in one transaction under an advisory lock on `lockKey`, after
   * creating the schema: instances of a store starting together don't race.
   */
  async createTables(lockKey: number, statements: readonly string[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock($1)', [lockKey]);
      if (this.schema) await client.query(`create schema if not exists "${this.schema}"`);
      for (const statement of statements) await client.query(statement);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** Ends the pool if the store created it. */
  async close(): Promise<void> {
    if (this.ownsPool && !this.pool.ended) await this.pool.end();
  }
}
