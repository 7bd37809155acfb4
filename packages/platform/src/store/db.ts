import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';
import { OwnSchemaPostgresDialect } from './schema-introspector.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { StatementCache } from './statement-cache.js';

export type Dialect = 'sqlite' | 'postgres';

export interface StoreOptions {
  /** `postgres://…` selects PostgreSQL; otherwise SQLite in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** PostgreSQL schema to use (created if missing); lets test runs and tenants stay apart. */
  pgSchema?: string;
  /** Maximum PostgreSQL pool size. */
  pgPoolSize?: number;
  /** Errors of background work (SQLite's checkpoint worker); the store keeps serving. */
  onBackgroundError?: (error: Error) => void;
}

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where the SQLite file lives, or undefined on PostgreSQL. */
  sqlitePath?: string;
  close(): Promise<void>;
}

// int8 (bigint) comes back as a string by default; our bigints are epoch ms and fit in a double.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

const BUSY_TIMEOUT_MS = 5_000;

function openSqlite(dataDir: string, onBackgroundError: (error: Error) => void): { db: Kysely<Database>; path: string; checkpointer: SqliteCheckpointer } {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'switchboard.db');
  const database = new SQLite(path);
  database.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process kill (the WAL is on disk) but may lose the
  // last commits on a power loss; FULL would fsync every commit for ~3x lower throughput.
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // Savepoints (each unit of a group commit has one) journal the pages they change; past 64 KiB
  // that sub-journal spilled to a temp file, one pwrite per page (14 % of a delivery run's CPU).
  // It only ever holds one transaction's worth of pages, so memory is the right place.
  database.pragma('temp_store = MEMORY');
  // Checkpoints run on a worker thread (see SqliteCheckpointer), not inside our commits.
  database.pragma('wal_autocheckpoint = 0');
  // After the worker restarts a grown WAL, the file is cut back to this size.
  database.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  const checkpointer = new SqliteCheckpointer(path, onBackgroundError, {
    // Without the worker, commits checkpoint again as SQLite does by default.
    onLost: () => {
      if (database.open) database.pragma('wal_autocheckpoint = 1000');
    },
    // Between our transactions (never inside one: Kysely's may span awaits), without waiting on a lock.
    restartLog: () => {
      if (!database.open || database.inTransaction) return;
      database.pragma('busy_timeout = 0');
      try {
        database.pragma('wal_checkpoint(RESTART)');
      } finally {
        database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      }
    },
  });
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: new StatementCache(database) }) }), path, checkpointer };
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid PostgreSQL schema name: ${name}`);
  return `"${name}"`;
}

async function openPostgres(options: StoreOptions): Promise<Kysely<Database>> {
  const schema = options.pgSchema;
  if (schema) {
    const admin = new pg.Client({ connectionString: options.databaseUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.pgPoolSize ?? 10,
    ...(schema ? { options: `-c search_path=${quoteIdent(schema)}` } : {}),
  });
  return new Kysely<Database>({ dialect: new OwnSchemaPostgresDialect({ pool }) });
}

/** Opens the store for the configured dialect and brings its schema up to date. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const isPostgres = options.databaseUrl !== undefined && /^postgres(ql)?:\/\//.test(options.databaseUrl);
  let store: Store;
  if (isPostgres) {
    const db = await openPostgres(options);
    store = { db, dialect: 'postgres', close: () => db.destroy() };
  } else {
    const { db, path, checkpointer } = openSqlite(options.dataDir, options.onBackgroundError ?? ((error) => console.error(error)));
    store = {
      db,
      dialect: 'sqlite',
      sqlitePath: path,
      close: async () => {
        await checkpointer.stop();
        await db.destroy();
      },
    };
  }
  await migrate(store, options.pgSchema);
  return store;
}

async function migrate(store: Store, pgSchema?: string): Promise<void> {
  // Kysely looks its lock table up in any schema unless told which: pin it to ours so
  // several schemas in one database (test runs, tenants) never see each other's tables.
  const migrator = new Migrator({
    db: store.db,
    provider: migrationProvider,
    // Migrations are independent tables and columns: one numbered below an already-applied one
    // (branches merged in another order) runs instead of stopping start-up.
    allowUnorderedMigrations: true,
    ...(store.dialect === 'postgres' && pgSchema ? { migrationTableSchema: pgSchema } : {}),
  });
  // Several nodes may start at once on one PostgreSQL: Kysely's migrator serialises them
  // with an advisory lock, so each migration runs exactly once.
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

/** Drops a PostgreSQL schema (tests clean up after themselves). */
export async function dropPostgresSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

export { sql };
