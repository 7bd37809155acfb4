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
  const insertWorkspace = (db: Parameters<Parameters<ChangeBus['commitStatement']>[0]>[0], id: string) =>
    db.insertInto('workspaces').values({ id, name: 'w', created_at: 0 }).execute();
  const exists = async (id: string) => (await store.db.selectFrom('workspaces').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;

  it('runs one statement and publishes its changes after it', async () => {
    const bus = new ChangeBus(store.db);
    const published: ChatChange[][] = [];
    bus.addSink({ afterCommit: (changes) => published.push([...changes]) });
    const id = newId();
    await bus.commitStatement(async (db, record) => {
      await insertWorkspace(db, id);
      record(change(id));
    });
    expect(await exists(id)).toBe(true);
    expect(published).toEqual([[change(id)]]);
  });

  it('refuses a second statement before it runs, and publishes nothing', async () => {
    const bus = new ChangeBus(store.db);
    const published: ChatChange[][] = [];
    bus.addSink({ afterCommit: (changes) => published.push([...changes]) });
    const [first, second] = [newId(), newId()];
    await expect(
      bus.commitStatement(async (db, record) => {
        await insertWorkspace(db, first);
        await insertWorkspace(db, second);
        record(change(first));
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
    await expect(
      bus.commitStatement(async (db, record) => {
        await insertWorkspace(db, id);
        record(change(id));
      }),
    ).rejects.toThrow('sink failed');
    expect(seen).toEqual([1]);
    expect(await exists(id)).toBe(false);
  });
});
