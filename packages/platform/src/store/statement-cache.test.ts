import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StatementCache } from './statement-cache.js';

describe('StatementCache', () => {
  const open = (capacity?: number) => {
    const cache = new StatementCache(new SQLite(':memory:'), capacity);
    cache.prepare('create table t (id integer primary key, v text)').run([]);
    return cache;
  };

  it('hands back the same statement for the same SQL, keeping reader/run semantics', () => {
    const cache = open();
    const insert = cache.prepare('insert into t (v) values (?)');
    expect(cache.prepare('insert into t (v) values (?)')).toBe(insert);
    expect(insert.reader).toBe(false);
    insert.run(['a']);
    insert.run(['b']);
    const select = cache.prepare('select * from t order by id');
    expect(select.reader).toBe(true);
    expect(select.all([])).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
    ]);
  });

  it('prepares a fresh statement while the cached one is being iterated', () => {
    const cache = open();
    cache.prepare('insert into t (v) values (?)').run(['a']);
    const sql = 'select v from t';
    const iterator = cache.prepare(sql).iterate([]);
    iterator.next();
    expect(cache.prepare(sql).all([])).toEqual([{ v: 'a' }]);
    iterator.return?.();
  });

  it('follows schema changes and stays within its capacity', () => {
    const cache = open(2);
    expect(cache.prepare('select * from t').all([])).toEqual([]);
    cache.prepare('alter table t add column w text').run([]);
    cache.prepare('insert into t (v, w) values (?, ?)').run(['a', 'b']);
    expect(cache.prepare('select * from t').all([])).toEqual([{ id: 1, v: 'a', w: 'b' }]);
    expect(cache.size).toBe(2);
  });
});
