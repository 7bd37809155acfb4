import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { servicesStoreConformance } from './conformance.js';
import { SqliteServicesStore } from './sqlite-services-store.js';

servicesStoreConformance('SqliteServicesStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sdk-services-'));
  const file = join(dir, 'services.db');
  return {
    open: (encryptionKey) => new SqliteServicesStore({ database: file, encryptionKey }),
    raw: async (sql) => {
      const db = new Database(file);
      try {
        const statement = db.prepare(sql);
        if (statement.reader) return statement.all() as Record<string, unknown>[];
        statement.run();
        return [];
      } finally {
        db.close();
      }
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('SqliteServicesStore specifics', () => {
  const key = 'a'.repeat(64);

  it('creates its file with mode 0600', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sdk-services-'));
    const store = new SqliteServicesStore({ database: join(dir, 's.db'), encryptionKey: key });
    await store.initialize();
    expect((await stat(join(dir, 's.db'))).mode & 0o777).toBe(0o600);
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a key that is not 32 bytes, at construction', () => {
    expect(() => new SqliteServicesStore({ database: ':memory:', encryptionKey: 'short' })).toThrow(/32 bytes/);
    expect(() => new SqliteServicesStore({ database: ':memory:', encryptionKey: Buffer.alloc(16) })).toThrow(/32 bytes/);
    expect(() => new SqliteServicesStore({ database: ':memory:', encryptionKey: Buffer.alloc(32).toString('base64') })).not.toThrow();
  });
});
