import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrecompiledQuery } from '../../src/store/precompiled-query.js';
import { openTestStore, type TestStore } from '../delivery/helpers.js';
import { dialects } from '../harness.js';

interface Row {
  id: string;
  text: string;
  n: number | null;
}

// One set of queries for every dialect of the run: each compiles once per dialect.
const insert = new PrecompiledQuery<Row, unknown>((db, p) =>
  db.insertInto('kysely_scratch' as never).values({ id: p('id'), text: p('text'), n: p('n') } as never),
);
const byText = new PrecompiledQuery<{ text: string; min: number }, Row>(
  (db, p) =>
    db
      .selectFrom('kysely_scratch' as never)
      .select(['id', 'text', 'n'] as never)
      .where('text' as never, '=', p('text') as never)
      .where('n' as never, '>=', p('min') as never)
      // A constant of the built query stays in place between the slots.
      .where('id' as never, '!=', 'never-this-id' as never)
      .orderBy('id' as never) as never,
);
const rawCount = new PrecompiledQuery<{ text: string }, { c: number }>(
  (_db, p) => sql<{ c: number }>`select count(*) as c from kysely_scratch where text = ${p('text')}`,
);

describe.each(await dialects())('PrecompiledQuery (%s)', (dialect) => {
  let db: TestStore;
  beforeAll(async () => {
    db = await openTestStore(dialect);
    await sql`create table kysely_scratch (id varchar(32) primary key, text varchar(64) not null, n integer)`.execute(db.store.db);
  });
  afterAll(async () => {
    await db.close();
  });

  it('runs the query compiled once with each call’s values, constants kept, nulls bound', async () => {
    await insert.execute(db.store.db, { id: 'a', text: 'x', n: 1 });
    await insert.execute(db.store.db, { id: 'b', text: 'x', n: 5 });
    await insert.execute(db.store.db, { id: 'c', text: 'y', n: null });
    await insert.execute(db.store.db, { id: 'never-this-id', text: 'x', n: 9 });
    expect((await byText.execute(db.store.db, { text: 'x', min: 2 })).rows).toEqual([{ id: 'b', text: 'x', n: 5 }]);
    expect((await byText.execute(db.store.db, { text: 'x', min: 0 })).rows.map((r) => r.id)).toEqual(['a', 'b']);
    expect(
      (await db.store.db
        .selectFrom('kysely_scratch' as never)
        .select('n' as never)
        .where('id' as never, '=', 'c' as never)
        .executeTakeFirst()) as unknown,
    ).toEqual({ n: null });
    expect(Number((await rawCount.execute(db.store.db, { text: 'x' })).rows[0].c)).toBe(3);
  });

  it('runs inside a transaction on its connection, and rolls back with it', async () => {
    await expect(
      db.store.db.transaction().execute(async (trx) => {
        await insert.execute(trx, { id: 'd', text: 'z', n: 1 });
        expect(Number((await rawCount.execute(trx, { text: 'z' })).rows[0].c)).toBe(1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(Number((await rawCount.execute(db.store.db, { text: 'z' })).rows[0].c)).toBe(0);
  });
});
