import type { Compilable, CompiledQuery, Kysely, QueryResult, RawBuilder, RootOperationNode } from 'kysely';
import { createQueryId } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

/** Stands for the named parameter in the query built once. */
class Slot {
  constructor(readonly name: string) {}
}

interface Compiled {
  sql: string;
  query: RootOperationNode;
  /** Per bound parameter: a slot's name, or the constant the query was built with. */
  parameters: readonly (Slot | { constant: unknown })[];
}

/**
 * A query of fixed shape, built and compiled by Kysely once per dialect, then run with new
 * parameter values. Kysely builds an immutable node tree and compiles it on every call: for
 * the statements of every chat post (a message insert, an outbox insert, a lookup) that was a
 * good part of the post's CPU, while the SQL text never changes (and SQLite's statement cache
 * already reuses the prepared statement).
 *
 * Only for queries whose SQL does not depend on the values (no `in` lists, no optional
 * columns: Kysely leaves `undefined` columns out of an insert, so every column is given).
 */
export class PrecompiledQuery<P extends object, R> {
  /** Per adapter class (SQLite, PostgreSQL): one process may use both (tests do). */
  private readonly byAdapter = new Map<unknown, Compiled>();

  constructor(private readonly build: (db: Db, slot: <K extends keyof P & string>(name: K) => P[K]) => Compilable<R> | RawBuilder<R>) {}

  execute(db: Db, values: P): Promise<QueryResult<R>> {
    const compiled = this.compiledFor(db);
    const parameters = compiled.parameters.map((parameter) =>
      parameter instanceof Slot ? (values as Record<string, unknown>)[parameter.name] : parameter.constant,
    );
    return db.executeQuery<R>({ sql: compiled.sql, query: compiled.query, parameters, queryId: createQueryId() });
  }

  private compiledFor(db: Db): Compiled {
    const adapter = db.getExecutor().adapter.constructor;
    let compiled = this.byAdapter.get(adapter);
    if (compiled === undefined) {
      // Query builders compile on their own; raw `sql` templates need the executor.
      const built = this.build(db, (name) => new Slot(name) as never) as { compile(db: Db): CompiledQuery<R> };
      const query = built.compile(db);
      compiled = {
        sql: query.sql,
        query: query.query,
        parameters: query.parameters.map((value) => (value instanceof Slot ? value : { constant: value })),
      };
      this.byAdapter.set(adapter, compiled);
    }
    return compiled;
  }
}
