import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/db.js';
import { newId } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import { ChangeBus, type ChatChange } from './changes.js';

describe('ChangeBus.commitStatement (sqlite)', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-changes-'));
    store = await openStore({ dataDir: dir });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const change = (workspaceId: string): ChatChange => ({ type: 'channel.created', workspaceId, audience: { workspaceId }, data: {} });
  const insertWorkspace = (db: Parameters<Parameters<ChangeBus['commitStatement']>[1]>[0], id: string) =>
    db.insertInto('workspaces').values({ id, name: 'w', created_at: 0 }).execute();
  const exists = async (id: string) => (await store.db.selectFrom('workspaces').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;

  it('runs one statement and publishes its changes after it', async () => {
    const bus = new ChangeBus(store.db);
    const published: ChatChange[][] = [];
    bus.addSink({ afterCommit: (changes) => published.push([...changes]) });
    const id = newId();
    await bus.commitStatement([change(id)], (db) => insertWorkspace(db, id));
    expect(await exists(id)).toBe(true);
    expect(published).toEqual([[change(id)]]);
  });

  it('refuses a second statement before it runs, and publishes nothing', async () => {
    const bus = new ChangeBus(store.db);
    const published: ChatChange[][] = [];
    bus.addSink({ afterCommit: (changes) => published.push([...changes]) });
    const [first, second] = [newId(), newId()];
    await expect(
      bus.commitStatement([change(first)], async (db) => {
        await insertWorkspace(db, first);
        await insertWorkspace(db, second);
      }),
    ).rejects.toThrow(/second statement/);
    expect(await exists(second)).toBe(false);
    expect(published).toEqual([]);
  });

  it('is a real transaction again once a sink writes inside it: a failing sink undoes the statement', async () => {
    const bus = new ChangeBus(store.db);
    const seen: unknown[] = [];
    bus.addSink({
      async inTransaction(trx: Transaction<Database>, changes) {
        seen.push(changes.length);
        await trx.insertInto('workspaces').values({ id: newId(), name: 'outbox', created_at: 0 }).execute();
        throw new Error('sink failed');
      },
    });
    const id = newId();
    await expect(bus.commitStatement([change(id)], (db) => insertWorkspace(db, id))).rejects.toThrow('sink failed');
    expect(seen).toEqual([1]);
    expect(await exists(id)).toBe(false);
  });
});

describe('ChangeBus.commit on SQLite (grouped commits)', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-group-'));
    store = await openStore({ dataDir: dir });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const names = async (ids: string[]) =>
    (await store.db.selectFrom('workspaces').select(['id', 'name']).where('id', 'in', ids).orderBy('id').execute()).map((r) => r.name);

  it('commits units queued together, rolls back only the one that fails, publishes in order once durable', async () => {
    const bus = new ChangeBus(store.db);
    const published: string[] = [];
    bus.addSink({ afterCommit: (changes) => published.push(...changes.map((c) => c.workspaceId)) });
    const ids = Array.from({ length: 6 }, () => newId());
    const results = await Promise.allSettled(
      ids.map((id, i) =>
        bus.commit(async (trx, record) => {
          await trx
            .insertInto('workspaces')
            .values({ id, name: `w${i}`, created_at: 0 })
            .execute();
          // A unit with several statements keeps them together: its second write fails, its first is undone.
          if (i === 2) await trx.insertInto('workspaces').values({ id, name: 'duplicate', created_at: 0 }).execute();
          record({ type: 'channel.created', workspaceId: id, audience: { workspaceId: id }, data: {} });
          return i;
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual([0, 1, 3, 4, 5]);
    expect(await names(ids)).toEqual(['w0', 'w1', 'w3', 'w4', 'w5']);
    expect(published).toEqual(ids.filter((_, i) => i !== 2));
  });

  it('lets later units see earlier ones of the same batch, and readers outside see all or nothing', async () => {
    const bus = new ChangeBus(store.db);
    const [a, b] = [newId(), newId()];
    const first = bus.commit((trx) => trx.insertInto('workspaces').values({ id: a, name: 'a', created_at: 0 }).execute());
    const second = bus.commit(async (trx) => {
      const seen = await trx.selectFrom('workspaces').select('id').where('id', '=', a).executeTakeFirst();
      await trx
        .insertInto('workspaces')
        .values({ id: b, name: seen ? 'saw a' : 'blind', created_at: 0 })
        .execute();
    });
    const outside = store.db.selectFrom('workspaces').select('id').where('id', 'in', [a, b]).execute();
    await Promise.all([first, second]);
    expect((await outside).length === 0 || (await outside).length === 2).toBe(true);
    expect(await names([a, b])).toEqual(['a', 'saw a']);
  });
});
