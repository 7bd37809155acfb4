import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { postHook, relayCall, startTestRelay, type TestRelay, watsonHeaders } from './relay-kit.js';

const SECRET = 'registration-secret-of-the-app';

describe('registration secrets at rest', () => {
  const dirs: string[] = [];
  const relays: TestRelay[] = [];
  afterEach(async () => {
    for (const relay of relays.splice(0)) await relay.stop({ keepData: true });
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const start = async (options: Parameters<typeof startTestRelay>[0]) => {
    const relay = await startTestRelay({ allowUnauthenticated: true, ...options });
    relays.push(relay);
    return relay;
  };
  const hook = async (relay: TestRelay, appId: string) => {
    const body = JSON.stringify({ type: 'message-created', n: 1 });
    return (await postHook(relay.url, appId, watsonHeaders(SECRET, body), body)).status;
  };
  const stored = async (relay: TestRelay, appId: string) =>
    (await relay.relay.store.db.selectFrom('relay_apps').select('secrets').where('app_id', '=', appId).executeTakeFirstOrThrow()).secrets;

  it('are sealed with a key generated into the data dir (0600), and still verify hooks after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-sealed-'));
    dirs.push(dataDir);
    const first = await start({ dataDir });
    expect((await relayCall(first.url, undefined, 'PUT', '/webhooks/app-1', { secret: SECRET })).status).toBe(201);
    const sealed = await stored(first, 'app-1');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(sealed).not.toContain(SECRET);
    expect(statSync(join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
    await first.stop({ keepData: true });
    relays.length = 0;

    const second = await start({ dataDir });
    expect(await hook(second, 'app-1')).toBe(201);
  });

  it('seals registrations stored unsealed before, at start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-sealed-'));
    dirs.push(dataDir);
    const first = await start({ dataDir });
    await first.relay.store.db
      .insertInto('relay_apps')
      .values({ app_id: 'legacy', secrets: JSON.stringify([SECRET]), created_at: 1, updated_at: 1 })
      .execute();
    await first.stop({ keepData: true });
    relays.length = 0;

    const second = await start({ dataDir });
    expect((await stored(second, 'legacy')).startsWith('v1.')).toBe(true);
    expect(await hook(second, 'legacy')).toBe(201);
  });

  it('refuses a key shorter than 32 bytes, and a sealed row cannot be opened with another key', async () => {
    await expect(start({ secretKey: Buffer.alloc(16).toString('base64') })).rejects.toThrow(/SWITCHBOARD_RELAY_SECRET_KEY must hold at least 32 bytes/);
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-sealed-'));
    dirs.push(dataDir);
    const first = await start({ dataDir, secretKey: Buffer.alloc(32, 1).toString('base64') });
    expect((await relayCall(first.url, undefined, 'PUT', '/webhooks/app-2', { secret: SECRET })).status).toBe(201);
    await first.stop({ keepData: true });
    relays.length = 0;

    const other = await start({ dataDir, secretKey: Buffer.alloc(32, 2).toString('base64') });
    expect(await hook(other, 'app-2')).toBe(500);
  });
});
