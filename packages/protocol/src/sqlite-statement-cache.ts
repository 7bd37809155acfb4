/** What the cache needs of a prepared statement (better-sqlite3's `Statement`). */
export interface CachedStatement {
  /** True while the statement is being iterated: it cannot run again until done. */
  readonly busy: boolean;
}

/** What the cache needs of a database handle (better-sqlite3's `Database`). */
export interface PreparingDatabase<S extends CachedStatement> {
  prepare(sql: string): S;
  close(): unknown;
}

/**
 * What Kysely's SqliteDialect sees instead of the better-sqlite3 handle: `prepare` hands back a
 * cached statement for SQL it has prepared before (Kysely prepares on every query, which cost
 * ~13 % of a chat post and a large share of a relay ingest). Bounded, least recently used first out.
 *
 * Safe because Kysely only reads `reader` and calls `all`/`run`/`iterate` with the parameters of
 * each call: nothing sticky (`pluck`, `raw`, `expand`, `safeIntegers`, `bind`) is ever set on a
 * statement it gets, and this wrapper is the only way to reach the cached ones. SQLite re-prepares
 * a statement by itself after a schema change (migrations), and better-sqlite3 reads column names
 * at each step, so `SELECT *` follows new columns. A statement still being iterated (a streamed
 * select) is busy and cannot run again: then a fresh one is prepared.
 * @example new Kysely({ dialect: new SqliteDialect({ database: new StatementCache(new SQLite(path)) }) })
 */
export class StatementCache<S extends CachedStatement, D extends PreparingDatabase<S> = PreparingDatabase<S>> {
  private readonly statements = new Map<string, S>();

  constructor(
    readonly database: D,
    private readonly capacity = 500,
  ) {}

  prepare(sql: string): S {
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
