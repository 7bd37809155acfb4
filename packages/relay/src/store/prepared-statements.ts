import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * The better-sqlite3 handle as Kysely sees it, with prepared statements reused: Kysely prepares on
 * every query, which is a large share of an ingest's cost. Kysely never sets sticky statement
 * options (`pluck`, `raw`, `bind`), so a cached statement is safe to hand out again unless it is
 * still being iterated. Bounded, least recently used first out.
 */
export class PreparedStatements implements SqliteDatabase {
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly database: Database,
    private readonly capacity = 200,
  ) {}

  prepare(sql: string): Statement {
    const cached = this.statements.get(sql);
    if (cached !== undefined) {
      if (cached.busy) return this.database.prepare(sql);
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

  /** Whether a transaction is open on the connection (someone else's, when the caller holds none). */
  get inTransaction(): boolean {
    return this.database.inTransaction;
  }

  /** Runs `fn` in one transaction (committed when it returns, rolled back when it throws). */
  transaction<T>(fn: () => T): T {
    return this.database.transaction(fn)();
  }

  close(): void {
    this.statements.clear();
    this.database.close();
  }
}
