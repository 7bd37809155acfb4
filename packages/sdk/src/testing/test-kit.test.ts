import { existsSync } from 'node:fs';
import type { ManifestInput } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { createApp } from '../app/app.js';
import { rewriteManifestUrls, startTestKit } from './test-kit.js';

const manifest: ManifestInput = {
  name: 'kit_app',
  displayName: 'Kit App',
  bot: true,
  scopes: { botScopes: ['messages:write'], userScopes: [] },
  shortcuts: [{ shortcutType: 'GLOBAL', name: 'hi', displayName: 'Hi', url: 'https://example.com/short?x=1' }],
  slashCommands: [{ command: '/kit', url: 'https://example.com/slash' }],
  eventSubscriptions: { url: 'https://example.com/events', events: [] },
  blockInteraction: { url: 'https://example.com/actions' },
  redirectUrls: ['https://example.com/oauth/redirect'],
};

describe('rewriteManifestUrls', () => {
  it('points every delivery and redirect URL at the base, keeping paths and queries, without touching the input', () => {
    const rewritten = rewriteManifestUrls(manifest, 'http://127.0.0.1:4000');
    expect(rewritten.slashCommands[0].url).toBe('http://127.0.0.1:4000/slash');
    expect(rewritten.shortcuts[0].url).toBe('http://127.0.0.1:4000/short?x=1');
    expect(rewritten.eventSubscriptions.url).toBe('http://127.0.0.1:4000/events');
    expect(rewritten.blockInteraction?.url).toBe('http://127.0.0.1:4000/actions');
    expect(rewritten.redirectUrls).toEqual(['http://127.0.0.1:4000/oauth/redirect']);
    expect(manifest.slashCommands[0].url).toBe('https://example.com/slash');
  });
});

describe('startTestKit', () => {
  it('installs the app, reports what it saw on a timeout, and cleans up on stop', async () => {
    const t = await startTestKit({ manifest, app: (options) => createApp(options).command('/kit', (ctx) => ctx.ack('kit ok')) });
    try {
      expect(t.bot).toMatch(/\w+/);
      expect(existsSync(t.dataDir)).toBe(true);
      expect(await t.appOptions.tokenStore.getBotUserId(t.workspaceId)).toBe(t.bot);
      await t.as('bob').post('#general', '/kit');
      await expect(t.waitForMessage({ from: 'alice', timeoutMs: 200 })).rejects.toThrow(/no message matching.*\n.*"kit ok"/s);
      expect((await t.waitForMessage({ from: t.bot, seenBy: 'bob' })).text).toBe('kit ok');
      expect(() => t.as('carol')).toThrow(/alice, bob/);
    } finally {
      await t.stop();
    }
    expect(existsSync(t.dataDir)).toBe(false);
  });
});
