import { StatementCache } from '@switchboard/protocol';
import type { Database, Statement } from 'better-sqlite3';

/** The relay's SQLite connection with its prepared statements reused (protocol's cache). */
export type SqliteStatements = StatementCache<Statement, Database>;

export function sqliteStatements(database: Database): SqliteStatements {
  return new StatementCache<Statement, Database>(database, 200);
}
