import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

interface Unit {
  work: (trx: Transaction<Database>) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Most units in one transaction, so a long queue still commits (and answers) in steps. */
const MAX_BATCH = 64;
const SAVEPOINT = 'sb_unit';

/**
 * Group commit for SQLite, where every commit writes WAL frames for each page it touched and a
 * chat post is ~35 µs of SQLite work on its own: units of work queued in the same turn of the
 * event loop run one after the other in ONE transaction, each inside its own savepoint.
 *
 * - A unit that throws is rolled back to its savepoint and rejected alone; the others go on.
 * - A unit is resolved only once the whole transaction has committed, so its caller answers
 *   after its writes are as durable as with a transaction of its own.
 * - If the transaction itself fails (COMMIT, or a rollback to a savepoint because SQLite ended the
 *   transaction after a disk or I/O error), every unit of the batch not already rejected is
 *   rejected with that error and nothing of the batch is kept.
 * - Nobody else sees the batch's writes before COMMIT: SQLite has one connection and Kysely
 *   holds it for the transaction (later units do see earlier ones, which commit with them).
 *
 * Not for PostgreSQL: there a pool of connections and the server's own group commit do this.
 */
export class GroupCommit {
  private readonly queue: Unit[] = [];
  /** A flush is scheduled or running; units arriving meanwhile wait for the next one. */
  private busy = false;

  constructor(private readonly db: Kysely<Database>) {}

  run<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.busy) {
        this.busy = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      await this.commitBatch(this.queue.splice(0, MAX_BATCH));
    } finally {
      if (this.queue.length > 0) setImmediate(() => void this.flush());
      else this.busy = false;
    }
  }

  private async commitBatch(batch: Unit[]): Promise<void> {
    let trx: Awaited<ReturnType<ReturnType<Kysely<Database>['startTransaction']>['execute']>>;
    try {
      trx = await this.db.startTransaction().execute();
    } catch (error) {
      for (const unit of batch) unit.reject(error);
      return;
    }
    const done: { unit: Unit; value: unknown }[] = [];
    let next = 0;
    try {
      for (; next < batch.length; next++) {
        const unit = batch[next] as Unit;
        const unitTrx = await trx.savepoint(SAVEPOINT).execute();
        let value: unknown;
        try {
          value = await unit.work(unitTrx);
        } catch (error) {
          await unitTrx.rollbackToSavepoint(SAVEPOINT).execute();
          await unitTrx.releaseSavepoint(SAVEPOINT).execute();
          unit.reject(error);
          continue;
        }
        await unitTrx.releaseSavepoint(SAVEPOINT).execute();
        done.push({ unit, value });
      }
      await trx.commit().execute();
    } catch (error) {
      await trx
        .rollback()
        .execute()
        .catch(() => {});
      for (const { unit } of done) unit.reject(error);
      for (const unit of batch.slice(next)) unit.reject(error);
      return;
    }
    for (const { unit, value } of done) unit.resolve(value);
  }
}
