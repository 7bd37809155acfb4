import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServicesStore } from './services-store.js';

/**
 * What every ServicesStore must do, as one vitest suite; each store's test file calls it once.
 * Not exported from the package index (it imports vitest).
 */
export interface ServicesConformanceFixture {
  /** A new store over this fixture's storage, sealing with `encryptionKey`. */
  open(encryptionKey: Buffer): ServicesStore;
  /** Runs SQL directly against the storage (tables unqualified), to look at rows at rest. */
  raw(sql: string): Promise<Record<string, unknown>[]>;
  cleanup?(): Promise<void>;
}

const TOKEN = 'ghp_plaintext-access-token-0123456789';

/** @example servicesStoreConformance('SqliteServicesStore', async () => ({ open: (key) => new SqliteServicesStore({ database: file, encryptionKey: key }), raw })); */
export function servicesStoreConformance(name: string, factory: () => ServicesConformanceFixture | Promise<ServicesConformanceFixture>): void {
  describe(`${name} (ServicesStore conformance)`, () => {
    const key = randomBytes(32);
    let fixture: ServicesConformanceFixture;
    let store: ServicesStore;
    const opened: ServicesStore[] = [];
    const open = async (encryptionKey = key) => {
      const next = fixture.open(encryptionKey);
      opened.push(next);
      await next.initialize();
      return next;
    };

    beforeEach(async () => {
      fixture = await factory();
      store = await open();
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close?.();
      await fixture.cleanup?.();
    });

    it('saves a service and finds it by its exact key, data decrypted', async () => {
      const saved = await store.saveService({ name: 'GitHub', botId: 'B1', groupId: 'C1', data: { accessToken: TOKEN, scopes: ['repo'] } });
      expect(saved).toMatchObject({ name: 'GitHub', botId: 'B1', groupId: 'C1', userId: null, data: { accessToken: TOKEN, scopes: ['repo'] } });
      expect(saved.id).toBeGreaterThan(0);
      expect(saved.createdAt).toBeInstanceOf(Date);
      expect(await store.findService({ name: 'GitHub', botId: 'B1', groupId: 'C1' })).toEqual(saved);
      // An absent field matches only null: not "any".
      expect(await store.findService({ name: 'GitHub', botId: 'B1' })).toBeUndefined();
      expect(await store.findService({ name: 'GitHub', botId: 'B1', groupId: 'C1', userId: 'U1' })).toBeUndefined();
      expect(await store.findService({ name: 'GitLab', botId: 'B1', groupId: 'C1' })).toBeUndefined();
    });

    it('reconnecting replaces data but keeps the row (id, createdAt)', async () => {
      const first = await store.saveService({ name: 'GitHub', botId: 'B1', groupId: 'C1', data: { accessToken: 'old' } });
      const second = await store.saveService({ name: 'GitHub', botId: 'B1', groupId: 'C1', data: { accessToken: 'new' } });
      expect(second.id).toBe(first.id);
      expect(second.createdAt.getTime()).toBe(first.createdAt.getTime());
      expect(second.updatedAt.getTime()).toBeGreaterThanOrEqual(first.updatedAt.getTime());
      expect((await store.findService({ name: 'GitHub', botId: 'B1', groupId: 'C1' }))?.data).toEqual({ accessToken: 'new' });
      expect(await store.listServices()).toHaveLength(1);
    });

    it('keeps one row per key under concurrent saves', async () => {
      await Promise.all(Array.from({ length: 8 }, (_, i) => store.saveService({ name: 'Jira', groupId: 'C9', data: { n: i } })));
      expect(await store.listServices({ name: 'Jira' })).toHaveLength(1);
    });

    it('lists by any fields, null meaning "not set", oldest first', async () => {
      await store.saveService({ name: 'GitHub', botId: 'B1', groupId: 'C1', data: {} });
      await store.saveService({ name: 'GitHub', botId: 'B1', groupId: 'C2', userId: 'U1', data: {} });
      await store.saveService({ name: 'Drive', botId: 'B2', data: {} });
      expect((await store.listServices({ botId: 'B1' })).map((s) => s.groupId)).toEqual(['C1', 'C2']);
      expect((await store.listServices({ userId: null, name: 'GitHub' })).map((s) => s.groupId)).toEqual(['C1']);
      expect((await store.listServices({ groupId: null })).map((s) => s.name)).toEqual(['Drive']);
      expect(await store.listServices()).toHaveLength(3);
    });

    it('deletes one service; deleting a bot deletes its services', async () => {
      await store.saveService({ name: 'GitHub', botId: 'B1', groupId: 'C1', data: {} });
      await store.saveService({ name: 'Drive', botId: 'B1', data: {} });
      await store.saveService({ name: 'Drive', botId: 'B2', data: {} });
      expect(await store.deleteService({ name: 'GitHub', botId: 'B1', groupId: 'C1' })).toBe(true);
      expect(await store.deleteService({ name: 'GitHub', botId: 'B1', groupId: 'C1' })).toBe(false);

      const bot = await store.saveBot({ id: 'B1', workspaceId: 'W1', data: { installedBy: 'U1' } });
      expect(bot).toMatchObject({ id: 'B1', workspaceId: 'W1', data: { installedBy: 'U1' } });
      expect(await store.findBot('B1')).toEqual(bot);
      expect(await store.deleteBot('B1')).toBe(true);
      expect(await store.findBot('B1')).toBeUndefined();
      expect((await store.listServices()).map((s) => s.botId)).toEqual(['B2']);
      expect(await store.deleteBot('B1')).toBe(false);
    });

    it('seals data at rest: raw rows hold no plaintext, a moved or wrong-key value does not open', async () => {
      const a = await store.saveService({ name: 'GitHub', botId: 'B1', groupId: 'C1', data: { accessToken: TOKEN } });
      const b = await store.saveService({ name: 'GitHub', botId: 'B1', groupId: 'C2', data: { accessToken: 'other' } });
      await store.saveBot({ id: 'B1', data: { secret: TOKEN } });
      for (const table of ['services', 'bots']) {
        const rows = await fixture.raw(`select * from ${table}`);
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) {
          expect(JSON.stringify(row)).not.toContain(TOKEN);
          expect(String(row.data)).toMatch(/^v1\./);
        }
      }
      // Copying C1's sealed data onto C2's row must not hand C2 the C1 token.
      await fixture.raw(`update services set data = (select data from services where id = ${a.id}) where id = ${b.id}`);
      await expect(store.findService({ name: 'GitHub', botId: 'B1', groupId: 'C2' })).rejects.toThrow();
      const wrongKey = await open(randomBytes(32));
      await expect(wrongKey.findService({ name: 'GitHub', botId: 'B1', groupId: 'C1' })).rejects.toThrow();
    });

    it('survives a new instance with the same key', async () => {
      await store.saveService({ name: 'GitHub', userId: 'U1', data: { accessToken: TOKEN } });
      expect((await (await open()).findService({ name: 'GitHub', userId: 'U1' }))?.data).toEqual({ accessToken: TOKEN });
    });

    it('is a StateStore: each state id is consumed once, also concurrently', async () => {
      const expiresAt = Date.now() + 60_000;
      const results = await Promise.all([store.consume('s1', expiresAt), store.consume('s1', expiresAt), (await open()).consume('s1', expiresAt)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.consume('s1', expiresAt)).toBe(false);
      expect(await store.consume('s2', expiresAt)).toBe(true);
    });

    it('rejects malformed input before writing', async () => {
      await expect(store.saveService({ name: '', data: {} })).rejects.toThrow(TypeError);
      await expect(store.saveService({ name: 'X', groupId: '', data: {} })).rejects.toThrow(TypeError);
      await expect(store.saveService({ name: 'X', data: [] as unknown as Record<string, unknown> })).rejects.toThrow(TypeError);
      expect(await store.listServices()).toEqual([]);
    });
  });
}
