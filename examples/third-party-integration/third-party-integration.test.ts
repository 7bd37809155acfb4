import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestKit, type TestKit } from '@switchboard/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HookStore } from './hook-store.js';
import { createHookBot, manifestFor } from './index.js';

describe('examples/third-party-integration (incoming webhooks) against the real platform', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hook-bot-'));
  const hooks = new HookStore(join(dir, 'hooks.json'));
  let t: TestKit;

  beforeAll(async () => {
    // The URL shown after /connect is illustrative here; the test posts to the kit's app URL.
    t = await startTestKit({
      manifest: manifestFor('http://localhost:3000'),
      app: (options) => createHookBot({ ...options, hooks, publicUrl: 'http://localhost:3000' }),
    });
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const hook = (key: string, body: unknown) =>
    fetch(`${t.appUrl}/hooks/incoming?key=${key}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('/connect gives the channel a URL a third-party service posts through, as the bot', async () => {
    expect((await t.as('alice').post('#general', '/connect')).outcome).toBe('acked');
    const answer = await t.waitForMessage({ from: t.bot, ephemeral: true, seenBy: 'alice', text: /hooks\/incoming\?key=/ });
    const key = /key=([\w-]+)/.exec(answer.text)?.[1] ?? '';
    // Only a digest is stored: the file alone cannot post.
    expect(readFileSync(join(dir, 'hooks.json'), 'utf8')).not.toContain(key);

    const response = await hook(key, { text: 'Build #42 passed' });
    expect(response.status).toBe(201);
    const posted = await t.waitForMessage({ from: t.bot, channel: '#general', text: 'Build #42 passed', ephemeral: false, seenBy: 'bob' });
    expect(posted.id).toBe(((await response.json()) as { id: string }).id);

    expect((await hook('wrong-key', { text: 'spoofed' })).status).toBe(403);
    expect((await hook(key, { nope: 1 })).status).toBe(400);

    await t.as('bob').post('#general', '/disconnect');
    await t.waitForMessage({ from: t.bot, ephemeral: true, seenBy: 'bob', text: /Disconnected/ });
    expect((await hook(key, { text: 'after revoke' })).status).toBe(403);
  });

  it('keys survive a restart of the store', async () => {
    await t.as('alice').post('#general', '/connect');
    const key = /key=([\w-]+)/.exec((await t.waitForMessage({ from: t.bot, ephemeral: true, text: /key=/ })).text)?.[1] ?? '';
    const reloaded = new HookStore(join(dir, 'hooks.json'));
    await reloaded.load();
    expect(reloaded.find(key)).toMatchObject({ channelId: await t.as('alice').channelId('#general'), userId: t.as('alice').userId });
  });
});
