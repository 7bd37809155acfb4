import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { credentialsStoreConformance } from './conformance.js';
import { JsonFileTokenStore } from './json-file-token-store.js';

credentialsStoreConformance('JsonFileTokenStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sdk-json-store-'));
  const file = join(dir, 'nested', 'tokens.json');
  return { open: () => new JsonFileTokenStore(file), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

describe('JsonFileTokenStore on disk', () => {
  let dir: string;
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes a 0600 file and leaves no temporary files behind', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdk-json-store-'));
    const file = join(dir, 'tokens.json');
    const store = new JsonFileTokenStore(file);
    await store.initialize();
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.saveTokens({ workspaceId: 'W', userId: `U${i}`, accessToken: `t${i}` })));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['tokens.json']);
    const onDisk = JSON.parse(await readFile(file, 'utf8'));
    expect(Object.keys(onDisk.workspaces.W.users)).toHaveLength(10);
  });

  it('refuses to start over a corrupt file instead of overwriting it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdk-json-store-'));
    const file = join(dir, 'tokens.json');
    await writeFile(file, '{broken');
    await expect(new JsonFileTokenStore(file).initialize()).rejects.toThrow(/not valid JSON/);
    expect(await readFile(file, 'utf8')).toBe('{broken');
  });

  it('says so when used before initialize', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdk-json-store-'));
    await expect(new JsonFileTokenStore(join(dir, 't.json')).getBotToken('W')).rejects.toThrow(/initialize/);
  });

  it('keeps memory and disk in agreement when a write fails', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdk-json-store-'));
    const file = join(dir, 'sub', 'tokens.json');
    const store = new JsonFileTokenStore(file);
    await store.initialize();
    await rm(join(dir, 'sub'), { recursive: true });
    await expect(store.saveTokens({ workspaceId: 'W', userId: 'U', accessToken: 't' })).rejects.toThrow();
    expect(await store.getUserToken('W', 'U')).toBeUndefined();
  });
});
