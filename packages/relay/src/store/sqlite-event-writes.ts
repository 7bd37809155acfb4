import type { SqliteStatements } from './sqlite-statements.js';

/** One event row for `insertAll`: its parameters, and what identifies a stored copy of it. */
export interface EventRow {
  params: unknown[];
  id: string;
  appId: string;
  deliveryId: string | null;
}

export type EventRowOutcome = { id: string; inserted: boolean } | { error: unknown };

const QUEUED_COPY = "select id from relay_events where app_id = ? and delivery_id = ? and state = 'queued'";

/**
 * The relay's two writes per event on SQLite — the insert and the ack — straight on better-sqlite3,
 * synchronously: a group of inserts is one native transaction with no promise per row (through
 * Kysely each row was several awaits, about a third of the store's time per event). Used only
 * when no other transaction is open on the connection, so a group never lands inside one.
 */
export class SqliteEventWrites {
  /** The group insert as one better-sqlite3 transaction function (made once). */
  private readonly insertGroup: (rows: readonly EventRow[]) => EventRowOutcome[];

  constructor(
    private readonly sqlite: SqliteStatements,
    insertSql: string,
  ) {
    this.insertGroup = sqlite.database.transaction((rows: readonly EventRow[]) => {
      const insert = sqlite.prepare(insertSql);
      return rows.map((row): EventRowOutcome => {
        try {
          // A failing statement is undone alone (SQLite's statement rollback); the others commit.
          if (insert.run(row.params).changes > 0) return { id: row.id, inserted: true };
          const copy = sqlite.prepare(QUEUED_COPY).get(row.appId, row.deliveryId) as { id: string } | undefined;
          return copy ? { id: copy.id, inserted: false } : { error: new Error('An event insert conflicted with no queued copy.') };
        } catch (error) {
          return { error };
        }
      });
    });
  }

  /** Inserts `rows` in one transaction, each succeeding or failing alone; undefined when another transaction is open. */
  insertAll(rows: readonly EventRow[]): EventRowOutcome[] | undefined {
    if (this.sqlite.database.inTransaction) return undefined;
    return this.insertGroup(rows);
  }

  /** Runs the ack statement (`… returning id`); undefined when another transaction is open. */
  ack(sql: string, params: unknown[]): string[] | undefined {
    if (this.sqlite.database.inTransaction) return undefined;
    return (this.sqlite.prepare(sql).all(params) as { id: string }[]).map((row) => row.id);
  }
}
