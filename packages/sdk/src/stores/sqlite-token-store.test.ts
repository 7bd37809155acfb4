import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { credentialsStoreConformance } from './conformance.js';
import { SqliteTokenStore } from './sqlite-token-store.js';

credentialsStoreConformance('SqliteTokenStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sdk-sqlite-store-'));
  const file = join(dir, 'credentials.db');
  return { open: () => new SqliteTokenStore(file), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

credentialsStoreConformance('SqliteTokenStore (in memory)', () => ({ open: () => new SqliteTokenStore(':memory:') }), { persistent: false });

describe('SqliteTokenStore specifics', () => {
  it('creates its file with mode 0600', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sdk-sqlite-store-'));
    const store = new SqliteTokenStore(join(dir, 'credentials.db'));
    await store.initialize();
    expect((await stat(join(dir, 'credentials.db'))).mode & 0o777).toBe(0o600);
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves a Database it was given open', async () => {
    const db = new Database(':memory:');
    const store = new SqliteTokenStore(db);
    await store.initialize();
    await store.saveTokens({ workspaceId: 'W', userId: 'U', accessToken: 't' });
    await store.close();
    expect(db.prepare('select count(*) as n from switchboard_user_tokens').get()).toEqual({ n: 1 });
    db.close();
  });
});
