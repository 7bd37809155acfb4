import type { Database as SQLiteDatabase, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * What Kysely's SqliteDialect sees instead of the better-sqlite3 handle: `prepare` hands back
 * a cached Statement for SQL it has prepared before (Kysely prepares on every query, which
 * cost ~13 % of a chat post). Bounded, least recently used first out.
 *
 * Safe because Kysely only reads `reader` and calls `all`/`run`/`iterate` with the parameters
 * of each call: nothing sticky (`pluck`, `raw`, `expand`, `safeIntegers`, `bind`) is ever set
 * on a statement it gets, and this wrapper is the only way to reach the cached ones. SQLite
 * re-prepares a statement by itself after a schema change (migrations), and better-sqlite3
 * reads column names at each step, so `SELECT *` follows new columns. A statement still being
 * iterated (a streamed select) is busy and cannot run again: then a fresh one is prepared.
 */
export class StatementCache implements SqliteDatabase {
  private readonly statements = new Map<string, Statement>();

  constructor(
    readonly database: SQLiteDatabase,
    private readonly capacity = 500,
  ) {}

  prepare(sql: string): Statement {
    const cached = this.statements.get(sql);
    if (cached !== undefined) {
      if (cached.busy) return this.database.prepare(sql);
      // Re-insert to mark it most recently used (Map keeps insertion order).
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    const statement = this.database.prepare(sql);
    if (this.statements.size >= this.capacity) {
      const oldest = this.statements.keys().next().value;
      if (oldest !== undefined) this.statements.delete(oldest);
    }
    this.statements.set(sql, statement);
    return statement;
  }

  /** How many statements are cached (tests). */
  get size(): number {
    return this.statements.size;
  }

  close(): void {
    this.statements.clear();
    this.database.close();
  }
}
