import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CredentialsStore, OAuth2AccessTokenResponse } from './credentials-store.js';

/**
 * The behaviour every CredentialsStore must have, as one vitest suite. Each store's test file
 * calls it once; a new store is done when this passes. Not exported from the package index
 * (it imports vitest); import it by path from a store's test.
 */

export interface ConformanceFixture {
  /** A new store instance over this fixture's storage; called again to check persistence. */
  open(): CredentialsStore;
  /** Removes the storage (temp dir, schema) once the test is over. */
  cleanup?(): Promise<void>;
}

export interface ConformanceOptions {
  /** Whether a second instance must see what the first saved. Default true. */
  persistent?: boolean;
}

const install = (workspaceId: string, userId: string, suffix = '1'): OAuth2AccessTokenResponse => ({
  workspaceId,
  userId,
  accessToken: `user-${workspaceId}-${userId}-${suffix}`,
  botToken: `bot-${workspaceId}-${suffix}`,
  botId: `bot-user-${workspaceId}`,
});

/**
 * @example credentialsStoreConformance('SqliteTokenStore', () => ({ open: () => new SqliteTokenStore(file) }));
 */
export function credentialsStoreConformance(
  name: string,
  factory: () => ConformanceFixture | Promise<ConformanceFixture>,
  options: ConformanceOptions = {},
): void {
  describe(`${name} (CredentialsStore conformance)`, () => {
    let fixture: ConformanceFixture;
    const opened: CredentialsStore[] = [];
    let store: CredentialsStore;

    async function openStore(): Promise<CredentialsStore> {
      const next = fixture.open();
      opened.push(next);
      await next.initialize();
      return next;
    }

    beforeEach(async () => {
      fixture = await factory();
      store = await openStore();
    });

    afterEach(async () => {
      for (const each of opened.splice(0)) await each.close?.();
      await fixture.cleanup?.();
    });

    it('answers undefined for unknown workspaces and people', async () => {
      expect(await store.getBotToken('W-none')).toBeUndefined();
      expect(await store.getBotUserId('W-none')).toBeUndefined();
      expect(await store.getUserToken('W-none', 'U-none')).toBeUndefined();
      await store.saveTokens(install('W1', 'U1'));
      expect(await store.getUserToken('W1', 'U-other')).toBeUndefined();
      expect(await store.getUserToken('W2', 'U1')).toBeUndefined();
    });

    it('saves and returns bot and person tokens', async () => {
      await store.saveTokens(install('W1', 'U1'));
      expect(await store.getBotToken('W1')).toBe('bot-W1-1');
      expect(await store.getBotUserId('W1')).toBe('bot-user-W1');
      expect(await store.getUserToken('W1', 'U1')).toBe('user-W1-U1-1');
    });

    it('keeps the bot when a later authorization has no bot part', async () => {
      await store.saveTokens(install('W1', 'U1'));
      await store.saveTokens({ workspaceId: 'W1', userId: 'U2', accessToken: 'user-W1-U2' });
      expect(await store.getBotToken('W1')).toBe('bot-W1-1');
      expect(await store.getUserToken('W1', 'U2')).toBe('user-W1-U2');
    });

    it('overwrites tokens on reinstall (the old bot token is dead)', async () => {
      await store.saveTokens(install('W1', 'U1', '1'));
      await store.saveTokens(install('W1', 'U1', '2'));
      expect(await store.getBotToken('W1')).toBe('bot-W1-2');
      expect(await store.getUserToken('W1', 'U1')).toBe('user-W1-U1-2');
    });

    it('deleteUser forgets one person only', async () => {
      await store.saveTokens(install('W1', 'U1'));
      await store.saveTokens(install('W1', 'U2'));
      await store.saveTokens(install('W2', 'U1'));
      await store.deleteUser('W1', 'U1');
      expect(await store.getUserToken('W1', 'U1')).toBeUndefined();
      expect(await store.getUserToken('W1', 'U2')).toBe('user-W1-U2-1');
      expect(await store.getUserToken('W2', 'U1')).toBe('user-W2-U1-1');
      expect(await store.getBotToken('W1')).toBe('bot-W1-1');
      await store.deleteUser('W-none', 'U-none');
    });

    it('deleteWorkspace forgets the bot and every person of that workspace only', async () => {
      await store.saveTokens(install('W1', 'U1'));
      await store.saveTokens(install('W1', 'U2'));
      await store.saveTokens(install('W2', 'U1'));
      await store.deleteWorkspace('W1');
      expect(await store.getBotToken('W1')).toBeUndefined();
      expect(await store.getBotUserId('W1')).toBeUndefined();
      expect(await store.getUserToken('W1', 'U1')).toBeUndefined();
      expect(await store.getUserToken('W1', 'U2')).toBeUndefined();
      expect(await store.getBotToken('W2')).toBe('bot-W2-1');
      expect(await store.getUserToken('W2', 'U1')).toBe('user-W2-U1-1');
      await store.deleteWorkspace('W-none');
    });

    it('persists all of 50 concurrent saveTokens', async () => {
      const ids = Array.from({ length: 50 }, (_, i) => `U${i}`);
      await Promise.all(ids.map((id, i) => store.saveTokens(install(i % 2 ? 'W1' : 'W2', id))));
      const readers = options.persistent === false ? [store] : [store, await openStore()];
      for (const reader of readers) {
        const tokens = await Promise.all(ids.map((id, i) => reader.getUserToken(i % 2 ? 'W1' : 'W2', id)));
        expect(tokens).toEqual(ids.map((id, i) => `user-${i % 2 ? 'W1' : 'W2'}-${id}-1`));
        expect(await reader.getBotToken('W1')).toBe('bot-W1-1');
        expect(await reader.getBotToken('W2')).toBe('bot-W2-1');
      }
    });

    it('stores ids verbatim, whatever characters they hold', async () => {
      const odd = install('__proto__', 'ü "quoted" \\ ; drop table x;');
      await store.saveTokens(odd);
      expect(await store.getUserToken(odd.workspaceId, odd.userId)).toBe(odd.accessToken);
      expect(await store.getBotToken('__proto__')).toBe(odd.botToken);
      expect(await store.getBotToken('constructor')).toBeUndefined();
    });

    it('rejects malformed token responses without storing anything', async () => {
      const missing = { workspaceId: 'W1', userId: 'U1' } as OAuth2AccessTokenResponse;
      await expect(store.saveTokens(missing)).rejects.toThrow(TypeError);
      await expect(store.saveTokens({ ...install('W1', 'U1'), botId: undefined })).rejects.toThrow(TypeError);
      expect(await store.getUserToken('W1', 'U1')).toBeUndefined();
      expect(await store.getBotToken('W1')).toBeUndefined();
    });

    if (options.persistent !== false) {
      it('keeps everything across a new instance, including deletions', async () => {
        await store.saveTokens(install('W1', 'U1'));
        await store.saveTokens(install('W1', 'U2'));
        await store.saveTokens(install('W2', 'U1'));
        await store.deleteUser('W1', 'U2');
        await store.deleteWorkspace('W2');
        const reopened = await openStore();
        expect(await reopened.getBotToken('W1')).toBe('bot-W1-1');
        expect(await reopened.getBotUserId('W1')).toBe('bot-user-W1');
        expect(await reopened.getUserToken('W1', 'U1')).toBe('user-W1-U1-1');
        expect(await reopened.getUserToken('W1', 'U2')).toBeUndefined();
        expect(await reopened.getBotToken('W2')).toBeUndefined();
      });
    }
  });
}
