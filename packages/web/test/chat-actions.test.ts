import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchBrowser, newContext, screenshot, signIn } from './support/browser.js';
import { apiCall, apiLogin, startWebPlatform, type WebPlatform } from './support/platform.js';
import { containsText, count, shown } from './support/wait.js';

// A real browser on a shared 2-core machine: generous limits (the assertions themselves wait at most 10 s each).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

describe('chat page actions: channels, direct messages, unread markers, edit and delete, a silent app', () => {
  let t: WebPlatform;
  let browser: Browser;
  let silent: Server;
  let general: string;

  beforeAll(async () => {
    t = await startWebPlatform();
    browser = await launchBrowser();
    // An app whose slash-command endpoint never answers: the platform gives up after 3 s.
    silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const alice = await apiLogin(t.url, 'alice@example.com');
    const owner = `/workspaces/${alice.workspaceId}/workspaceUsers/${alice.workspaceUserId}`;
    const manifest = {
      name: 'sleepy',
      displayName: 'Sleepy',
      bot: true,
      scopes: { botScopes: ['messages:write'], userScopes: [] },
      shortcuts: [],
      slashCommands: [{ command: '/nap', url: `${base}/slash`, description: 'Takes a nap' }],
      eventSubscriptions: { url: `${base}/events`, events: [] },
      redirectUrls: [`${base}/redirect`],
      offlineMessage: 'Sleepy is asleep, try again later.',
    };
    const app = await apiCall<{ id: string; clientSecret: string }>(t.url, alice.token, 'POST', `${owner}/apps`, manifest);
    const consent = { clientId: app.body.id, redirectUrl: manifest.redirectUrls[0], scopes: 'bot:messages:write' };
    const granted = await apiCall<{ code: string }>(t.url, alice.token, 'GET', `${owner}/oauth2/grant?${new URLSearchParams(consent)}`);
    const form = new URLSearchParams({ 'client-id': app.body.id, 'client-secret': app.body.clientSecret, code: granted.body.code });
    expect((await fetch(`${t.url}/oauth2/access`, { method: 'POST', body: form })).status).toBe(200);
    const channels = await apiCall<{ channel: { id: string; name?: string } }[]>(t.url, alice.token, 'GET', '/v1/channels');
    general = channels.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
  });
  afterAll(async () => {
    await browser?.close();
    silent?.closeAllConnections();
    silent?.close();
    await t?.stop();
  });

  async function page(email: string, path = '/'): Promise<Page> {
    const p = await (await newContext(browser)).newPage();
    await signIn(p, t.url, email, path);
    await shown(p.getByRole('button', { name: 'Sign out' }));
    return p;
  }

  it("shows the manifest's offline message, only to the person, when the app does not answer in 3 s (command picked with the mouse)", async () => {
    const alice = await page('alice@example.com', `/c/${general}`);
    const composer = alice.getByRole('combobox', { name: 'Message #general' });
    await composer.fill('/na');
    await alice.getByRole('option', { name: /\/nap/ }).click();
    await composer.pressSequentially('now');
    await composer.press('Enter');
    await containsText(alice.getByRole('status').filter({ hasText: 'Running' }), 'Running /nap…');
    const notice = alice.locator('.message.ephemeral', { hasText: 'Sleepy is asleep, try again later.' });
    await shown(notice);
    await containsText(notice, 'Only visible to you');
    await alice.context().close();
  });

  it('creates a channel, bob finds and joins it, gets unread markers, leaves it; alice starts a direct message', async () => {
    const alice = await page('alice@example.com', `/c/${general}`);
    await alice.getByRole('button', { name: 'Create a channel' }).click();
    await alice.getByLabel('Name').fill('launch');
    await alice.getByLabel('Description (optional)').fill('Launch plans');
    await screenshot(alice, 'create-channel');
    await alice.getByRole('button', { name: 'Create', exact: true }).click();
    await shown(alice.getByRole('heading', { name: 'launch' }));
    await alice.getByRole('combobox', { name: 'Message #launch' }).fill('Kick-off at ten');
    await alice.getByRole('combobox', { name: 'Message #launch' }).press('Enter');

    const bob = await page('bob@example.com', `/c/${general}`);
    await bob.getByRole('button', { name: 'Browse channels' }).click();
    await bob.getByRole('dialog').locator('li', { hasText: '#launch' }).getByRole('button', { name: 'Join' }).click();
    await shown(bob.getByRole('heading', { name: 'launch' }));
    await shown(bob.locator('.message-text', { hasText: 'Kick-off at ten' }));
    await bob.getByRole('link', { name: 'general' }).click();

    // Alice posts in #launch while bob reads #general: bob's sidebar marks it unread, live.
    for (const text of ['one', 'two']) {
      await alice.getByRole('combobox', { name: 'Message #launch' }).fill(text);
      await alice.getByRole('combobox', { name: 'Message #launch' }).press('Enter');
    }
    const launchLink = bob.getByRole('link', { name: /launch/ });
    await containsText(launchLink, '2 unread');
    // Unread counts survive a reload (stored per person), and opening the channel clears them.
    await bob.reload();
    await containsText(bob.getByRole('link', { name: /launch/ }), '2 unread');
    await screenshot(bob, 'unread');
    await bob.getByRole('link', { name: /launch/ }).click();
    await count(bob.locator('.unread-count'), 0);
    await bob.waitForTimeout(600); // the read mark is sent after a short pause
    await bob.reload();
    await shown(bob.getByRole('heading', { name: 'launch' }));
    await count(bob.locator('.unread-count'), 0);

    await bob.getByRole('button', { name: 'Leave' }).click();
    await count(bob.getByRole('link', { name: /launch/ }), 0);

    await alice.getByRole('button', { name: 'Start a direct message' }).click();
    await alice.getByRole('dialog').locator('li', { hasText: 'Bob' }).getByRole('button', { name: 'Message' }).click();
    await shown(alice.getByRole('heading', { name: 'Bob' }));
    await alice.getByRole('combobox', { name: 'Message Bob' }).fill('Hi Bob, a word in private');
    await alice.getByRole('combobox', { name: 'Message Bob' }).press('Enter');
    await shown(bob.getByRole('link', { name: /Alice/ }));
    await bob.getByRole('link', { name: /Alice/ }).click();
    await shown(bob.locator('.message-text', { hasText: 'Hi Bob, a word in private' }));
    await alice.context().close();
    await bob.context().close();
  });

  it('edits and deletes one’s own message, live for others; others’ messages offer neither', async () => {
    const alice = await page('alice@example.com', `/c/${general}`);
    const bob = await page('bob@example.com', `/c/${general}`);
    const composer = alice.getByRole('combobox', { name: 'Message #general' });
    await composer.fill('First draft');
    await composer.press('Enter');
    await shown(bob.locator('.message-text', { hasText: 'First draft' }));
    // By id: while it is edited, its text sits in a text box and no longer matches.
    const id = await alice.locator('.message', { hasText: 'First draft' }).getAttribute('data-message-id');
    const mine = alice.locator(`.message[data-message-id="${id}"]`);

    await mine.hover();
    await mine.getByRole('button', { name: 'Edit message' }).click();
    await mine.getByRole('textbox', { name: 'Edit message' }).fill('Second draft');
    await mine.getByRole('textbox', { name: 'Edit message' }).press('Enter');
    await shown(alice.locator('.message-text', { hasText: 'Second draft' }));
    await shown(bob.locator('.message-text', { hasText: 'Second draft (edited)' }));

    const bobsView = bob.locator('.message', { hasText: 'Second draft' });
    await bobsView.hover();
    await count(bobsView.getByRole('button', { name: 'Edit message' }), 0);
    await count(bobsView.getByRole('button', { name: 'Delete message' }), 0);

    const edited = alice.locator('.message', { hasText: 'Second draft' });
    await edited.hover();
    await edited.getByRole('button', { name: 'Delete message' }).click();
    await edited.getByRole('button', { name: 'Delete', exact: true }).click();
    await count(alice.locator('.message-text', { hasText: 'Second draft' }), 0);
    await count(bob.locator('.message-text', { hasText: 'Second draft' }), 0);
    await alice.context().close();
    await bob.context().close();
  });
});
