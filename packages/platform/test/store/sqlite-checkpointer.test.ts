import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/index.js';
import { newId } from '../../src/store/ids.js';
import { SqliteCheckpointer } from '../../src/store/sqlite-checkpointer.js';

const waitFor = async (condition: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('SQLite checkpoints on a worker thread', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('copies committed pages into the database file without any commit doing it, and survives a reopen', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-ckpt-'));
    dirs.push(dataDir);
    const store = await openStore({ dataDir });
    const path = store.sqlitePath as string;
    expect((await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(store.db)).rows[0]?.wal_autocheckpoint).toBe(0);
    const before = statSync(path).size;
    const text = 'x'.repeat(2_000);
    const ids: string[] = [];
    // ~4 MB in 200 commits: with the automatic checkpoint off, only the worker can move it into the file.
    for (let batch = 0; batch < 200; batch += 1) {
      await store.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 10; i += 1) {
          const id = newId();
          ids.push(id);
          await trx.insertInto('workspaces').values({ id, name: text, created_at: Date.now() }).execute();
        }
      });
    }
    await waitFor(() => statSync(path).size > before + 3_000_000);
    await store.close();

    const reopened = await openStore({ dataDir });
    const count = await reopened.db
      .selectFrom('workspaces')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('id', 'in', ids)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(ids.length);
    await reopened.close();
  });
});

describe('resetting the log from the main connection', () => {
  it('under steady commits the worker asks, the main connection resets the log between transactions, and the log stays bounded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-ckpt-'));
    const path = join(dir, 'x.db');
    const db = new SQLite(path);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('create table t (id integer primary key, v text)');
    let asked = 0;
    let reset = 0;
    const checkpointer = new SqliteCheckpointer(path, (error) => console.error(error), {
      intervalMs: 10,
      restartAboveFrames: 200,
      restartLog: () => {
        asked += 1;
        if (db.inTransaction) return;
        const [result] = db.pragma('wal_checkpoint(RESTART)') as { busy: number }[];
        if (result.busy === 0) reset += 1;
      },
    });
    const insert = db.prepare('insert into t (v) values (?)');
    const text = 'y'.repeat(3_000);
    // 3 000 commits of about one page each, with the event loop turning between them, and a
    // pause longer than the worker's interval every 200 (a loaded CI machine once starved the
    // worker until the log had grown past 3 000 frames: a test of the writer's speed, not of resets).
    for (let i = 0; i < 3_000; i += 1) {
      insert.run(text);
      if (i % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 40));
      else if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await checkpointer.stop();
    expect(asked).toBeGreaterThan(0);
    expect(reset).toBeGreaterThan(0);
    // Never reset, the log would hold every commit since the start: 3 000 frames and more.
    const [log] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    expect(log.log).toBeLessThan(3_000);
    expect(statSync(`${path}-wal`).size).toBeLessThan(3_000 * 4_096);
    expect((db.prepare('select count(*) as n from t').get() as { n: number }).n).toBe(3_000);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('SqliteCheckpointer failures', () => {
  it('reports a worker that cannot open its file and tells the owner it is gone, so commits checkpoint again', async () => {
    const errors: Error[] = [];
    let lost = false;
    const checkpointer = new SqliteCheckpointer(join(tmpdir(), `no-such-dir-${process.pid}`, 'x.db'), (error) => errors.push(error), {
      onLost: () => {
        lost = true;
      },
    });
    await waitFor(() => lost);
    expect(errors.length).toBeGreaterThan(0);
    // Stopping a worker that is already gone returns at once.
    await checkpointer.stop();
  });
});
