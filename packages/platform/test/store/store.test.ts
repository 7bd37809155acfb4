import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema, openStore, type Store } from '../../src/index.js';
import { newId } from '../../src/store/ids.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { hasPostgres } from '../harness.js';

// Same default as the harness: the local PostgreSQL unless DATABASE_URL says otherwise.
const POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const freshSchema = () => `t_store_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const expectedMigrations = async () => Object.keys(await migrationProvider.getMigrations()).sort();

async function appliedMigrations(store: Store): Promise<string[]> {
  const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
  return rows.rows.map((r) => r.name);
}

async function insertWorkspace(store: Store, name: string): Promise<string> {
  const id = newId();
  await store.db.insertInto('workspaces').values({ id, name, created_at: Date.now() }).execute();
  return id;
}

describe('store (sqlite)', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-store-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('runs each migration once, however often the same directory is opened', async () => {
    const dataDir = tempDir();
    const first = await openStore({ dataDir });
    expect(await appliedMigrations(first)).toEqual(await expectedMigrations());
    const id = await insertWorkspace(first, 'Kept');
    // A second handle while the first is still open (a restart that overlaps), then a reopen.
    const second = await openStore({ dataDir });
    expect(await appliedMigrations(second)).toEqual(await expectedMigrations());
    await second.close();
    await first.close();
    const third = await openStore({ dataDir });
    expect(await appliedMigrations(third)).toEqual(await expectedMigrations());
    expect(await third.db.selectFrom('workspaces').select('name').where('id', '=', id).executeTakeFirst()).toEqual({ name: 'Kept' });
    await third.close();
  });

  it('opens SQLite in WAL mode with foreign keys, NORMAL sync and a busy timeout', async () => {
    const store = await openStore({ dataDir: tempDir() });
    try {
      const pragma = async (name: string) => Object.values((await sql.raw(`PRAGMA ${name}`).execute(store.db)).rows[0] as object)[0];
      expect(store.dialect).toBe('sqlite');
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('synchronous')).toBe(1); // NORMAL
      expect(await pragma('busy_timeout')).toBe(5000);
      // Foreign keys are enforced, not just declared.
      await expect(
        store.db.insertInto('channel_members').values({ channel_id: 'no-such-channel', user_id: 'no-such-user', joined_at: 0 }).execute(),
      ).rejects.toThrow(/FOREIGN KEY/);
    } finally {
      await store.close();
    }
  });
});

describe.runIf(await hasPostgres())('store (postgres)', () => {
  const open = (pgSchema: string) => openStore({ databaseUrl: POSTGRES_URL, dataDir: tmpdir(), pgSchema });
  /** Runs with fresh schemas and drops them at once: a migrated schema left behind trips the bug below. */
  async function withSchemas(count: number, work: (...names: string[]) => Promise<void>): Promise<void> {
    const names = Array.from({ length: count }, freshSchema);
    try {
      await work(...names);
    } finally {
      for (const name of names) await dropPostgresSchema(POSTGRES_URL, name);
    }
  }

  it('runs each migration once, however often the same schema is opened', () =>
    withSchemas(1, async (pgSchema) => {
      const first = await open(pgSchema);
      expect(first.dialect).toBe('postgres');
      expect(await appliedMigrations(first)).toEqual(await expectedMigrations());
      const id = await insertWorkspace(first, 'Kept');
      await first.close();
      const second = await open(pgSchema);
      expect(await appliedMigrations(second)).toEqual(await expectedMigrations());
      expect(await second.db.selectFrom('workspaces').select('name').where('id', '=', id).executeTakeFirst()).toEqual({ name: 'Kept' });
      await second.close();
    }));

  // Kysely's Migrator finds its tables through introspection: it must look in this schema only
  // (`migrationTableSchema` and `OwnSchemaPostgresDialect`), or a fresh schema is never migrated
  // while another one holds Kysely's tables, and a schema dropped meanwhile fails the migration.
  it('migrates a fresh schema, kept to itself, while another schema is already migrated', () =>
    withSchemas(2, async (a, b) => {
      const storeA = await open(a);
      try {
        await insertWorkspace(storeA, 'Only in A');
        const storeB = await open(b);
        expect(await appliedMigrations(storeB)).toEqual(await expectedMigrations());
        expect(await storeB.db.selectFrom('workspaces').selectAll().execute()).toEqual([]);
        await storeB.close();
      } finally {
        await storeA.close();
      }
    }));

  it('introspects its own schema only (a schema dropped meanwhile cannot fail a migration)', () =>
    withSchemas(2, async (a, b) => {
      const storeA = await open(a);
      const storeB = await open(b);
      try {
        const tables = await storeB.db.introspection.getTables({ withInternalKyselyTables: true });
        expect(tables.map((table) => table.name)).toContain('kysely_migration');
        expect(new Set(tables.map((table) => table.schema))).toEqual(new Set([b]));
        await storeA.close();
        await dropPostgresSchema(POSTGRES_URL, a);
        // Re-running the migrator after another schema vanished still works.
        const again = await open(b);
        expect(await appliedMigrations(again)).toEqual(await expectedMigrations());
        await again.close();
      } finally {
        await storeB.close();
      }
    }));

  it('orders ids in PostgreSQL exactly as in JavaScript (history cursors rely on it)', () =>
    withSchemas(1, async (pgSchema) => {
      const store = await open(pgSchema);
      try {
        const ids = Array.from({ length: 2000 }, (_, i) => newId(Date.now() + (i % 7) * 1000));
        const sorted = await sql<{ id: string }>`select id from unnest(${ids}::varchar[]) as t(id) order by id`.execute(store.db);
        expect(sorted.rows.map((r) => r.id)).toEqual([...ids].sort());
      } finally {
        await store.close();
      }
    }));
});

describe('ids', () => {
  const timeOf = (id: string) => Number.parseInt(id.slice(0, 12), 16);

  it('are 24 lowercase hex characters that start with their epoch milliseconds', () => {
    const now = Date.now() + 10_000;
    const id = newId(now);
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(timeOf(id)).toBe(now);
  });

  it('sort by creation time, also within one millisecond and past 65 536 per millisecond', () => {
    const base = Date.now() + 20_000;
    const ids = [newId(base), newId(base + 1), newId(base + 1), newId(base + 2)];
    for (let i = 0; i < 70_000; i++) ids.push(newId(base + 3));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // The overflow borrowed the next millisecond rather than wrapping the counter.
    expect(timeOf(ids[ids.length - 1])).toBe(base + 4);
  });

  it('stay monotonic when the clock steps back', () => {
    const base = Date.now() + 40_000;
    const later = newId(base);
    const earlier = newId(base - 5_000);
    expect(earlier > later).toBe(true);
  });
});
