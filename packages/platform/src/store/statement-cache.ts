import { StatementCache as Cache } from '@switchboard/protocol';
import type { Database, Statement } from 'better-sqlite3';

/** The shared statement cache (protocol), over better-sqlite3: what Kysely's SqliteDialect is given. */
export class StatementCache extends Cache<Statement, Database> {}
