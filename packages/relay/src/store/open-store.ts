import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { relayMigrations } from './migrations.js';
import type { RelayDatabase } from './schema.js';
import { type SqliteStatements, sqliteStatements } from './sqlite-statements.js';

export type RelayDialect = 'sqlite' | 'postgres';

export interface RelayStoreOptions {
  /** `postgres://…` selects PostgreSQL (shared by several relay nodes); otherwise SQLite in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** PostgreSQL schema holding the relay's tables (created if missing). Default `switchboard_relay`. */
  pgSchema?: string;
  pgPoolSize?: number;
}

export interface RelayStore {
  db: Kysely<RelayDatabase>;
  dialect: RelayDialect;
  /** PostgreSQL: the connection string and schema, for the LISTEN connection of the wake-up bus. */
  postgres?: { url: string; schema: string };
  /** SQLite: the connection itself, for the writes that skip Kysely (`SqliteEventWrites`). */
  sqlite?: SqliteStatements;
  close(): Promise<void>;
}

export const DEFAULT_PG_SCHEMA = 'switchboard_relay';

// int8 comes back as a string by default; our bigints are epoch ms and sequence numbers.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid PostgreSQL schema name: ${name}`);
  return `"${name}"`;
}

function openSqlite(dataDir: string): { db: Kysely<RelayDatabase>; sqlite: SqliteStatements } {
  mkdirSync(dataDir, { recursive: true });
  const database = new SQLite(join(dataDir, 'relay.db'));
  database.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit is in the log file before we answer 201, which survives a
  // killed process (the kernel has the pages); only a power loss may drop the last commits.
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  const sqlite = sqliteStatements(database);
  return { db: new Kysely<RelayDatabase>({ dialect: new SqliteDialect({ database: sqlite }) }), sqlite };
}

async function openPostgres(url: string, schema: string, poolSize: number): Promise<Kysely<RelayDatabase>> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  } catch (error) {
    // Two nodes starting at once may race on CREATE SCHEMA; the loser finds it there.
    if ((error as { code?: string }).code !== '23505') throw error;
  } finally {
    await admin.end();
  }
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: `-c search_path=${quoteIdent(schema)}` });
  return new Kysely<RelayDatabase>({ dialect: new PostgresDialect({ pool }) });
}

/** Opens the relay's store and brings its tables up to date. */
export async function openRelayStore(options: RelayStoreOptions): Promise<RelayStore> {
  const url = options.databaseUrl;
  const isPostgres = url !== undefined && /^postgres(ql)?:\/\//.test(url);
  const schema = options.pgSchema ?? DEFAULT_PG_SCHEMA;
  const store: RelayStore = isPostgres
    ? { db: await openPostgres(url, schema, options.pgPoolSize ?? 10), dialect: 'postgres', postgres: { url, schema }, close: async () => {} }
    : { ...openSqlite(options.dataDir), dialect: 'sqlite', close: async () => {} };
  store.close = () => store.db.destroy();
  const migrator = new Migrator({
    db: store.db,
    provider: relayMigrations(store.dialect),
    migrationTableName: 'relay_migrations',
    migrationLockTableName: 'relay_migrations_lock',
    ...(isPostgres ? { migrationTableSchema: schema } : {}),
  });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await store.db.destroy();
    throw error instanceof Error ? error : new Error(String(error));
  }
  return store;
}

/** Drops a PostgreSQL schema (tests clean up after themselves). */
export async function dropRelaySchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}
