import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seriousViolations } from './support/axe.js';
import { launchBrowser, newContext, screenshot, signIn } from './support/browser.js';
import { apiCall, apiLogin, startWebPlatform, type WebPlatform } from './support/platform.js';
import { seedHistory } from './support/seed-history.js';
import { count, shown } from './support/wait.js';

// A real browser on a shared 2-core machine: generous limits (the assertions themselves wait at most 10 s each).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const HISTORY = 10_000;

describe('the chat page at 1280 and 390 px: accessibility, layout, history paging over 10 000 messages', () => {
  let t: WebPlatform;
  let browser: Browser;
  let history: string;
  let consentPath: string;

  beforeAll(async () => {
    t = await startWebPlatform();
    browser = await launchBrowser();
    const alice = await apiLogin(t.url, 'alice@example.com');
    const bob = await apiLogin(t.url, 'bob@example.com');
    const created = await apiCall<{ channel: { id: string } }>(t.url, alice.token, 'POST', '/v1/channels', {
      name: 'history',
      description: 'Ten thousand messages',
    });
    history = created.body.channel.id;
    await apiCall(t.url, bob.token, 'POST', `/v1/channels/${history}/join`);
    await seedHistory(t.platform, alice.workspaceId, history, [alice.workspaceUserId, bob.workspaceUserId], HISTORY);
    // A thread and a reaction, so the checked page shows them too.
    const root = await apiCall<{ id: string }>(t.url, bob.token, 'POST', `/v1/channels/${history}/messages`, { text: 'Shall we ship on Friday?' });
    await apiCall(t.url, alice.token, 'POST', `/v1/channels/${history}/messages/${root.body.id}`, { text: 'Yes, after the review.' });
    await apiCall(t.url, alice.token, 'POST', `/v1/messages/${root.body.id}/reactions`, { code: ':thumbsup:' });
    // An app to consent to and to list on Configure Apps.
    const owner = `/workspaces/${alice.workspaceId}/workspaceUsers/${alice.workspaceUserId}`;
    const manifest = {
      name: 'standup',
      displayName: 'Standup',
      bot: true,
      botTitle: 'Collects the daily standup',
      scopes: { botScopes: ['messages:write', 'channels:list'], userScopes: ['messages:read'] },
      shortcuts: [],
      slashCommands: [{ command: '/standup', url: 'https://standup.example.com/slash', description: 'Post your standup', usageHint: '[yesterday] [today]' }],
      eventSubscriptions: { url: 'https://standup.example.com/events', events: [] },
      redirectUrls: ['https://standup.example.com/redirect'],
      helpUrl: 'https://standup.example.com/help',
    };
    const app = await apiCall<{ id: string; clientSecret: string }>(t.url, alice.token, 'POST', `${owner}/apps`, manifest);
    const consent = { clientId: app.body.id, redirectUrl: manifest.redirectUrls[0], scopes: 'messages:read,bot:messages:write,bot:channels:list' };
    consentPath = `/access-request?${new URLSearchParams(consent)}`;
    // Installed once (as a CLI would), so its command shows in the autocomplete; the consent page is still shown for re-authorizing.
    const granted = await apiCall<{ code: string }>(t.url, alice.token, 'GET', `${owner}/oauth2/grant?${new URLSearchParams(consent)}`);
    const form = new URLSearchParams({ 'client-id': app.body.id, 'client-secret': app.body.clientSecret, code: granted.body.code });
    expect((await fetch(`${t.url}/oauth2/access`, { method: 'POST', body: form })).status).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function open(width: number): Promise<Page> {
    const page = await (await newContext(browser, width, width < 500 ? 844 : 800)).newPage();
    await signIn(page, t.url, 'alice@example.com', `/c/${history}`);
    await shown(page.locator('.message-text', { hasText: /^Shall we ship on Friday\?$/ }));
    return page;
  }

  const noHorizontalScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  it('pages back through 10 000 messages on demand, keeping the reader’s place', async () => {
    const page = await open(1280);
    const pageRequests: string[] = [];
    page.on('request', (r) => r.url().includes(`/v1/channels/${history}/messages?`) && pageRequests.push(r.url()));
    const rows = page.locator('.channel-view .message');
    const first = await rows.count();
    expect(first).toBeLessThanOrEqual(51);
    await shown(page.locator('.message-text', { hasText: /^message 10000$/ }));

    for (let loaded = 1; loaded <= 3; loaded++) {
      const top = page.locator('.channel-view .message').first();
      const topText = await top.locator('.message-text').textContent();
      await page.locator('.channel-view .message-scroller').evaluate((el) => el.scrollTo(0, 0));
      await count(rows, first + loaded * 50);
      // The message that was at the top is still on screen: older ones went above it.
      const kept = page.locator('.channel-view .message-text', { hasText: new RegExp(`^${topText}$`) });
      expect(await kept.isVisible()).toBe(true);
      const box = await kept.boundingBox();
      expect(box?.y ?? 0).toBeGreaterThan(0);
    }
    await shown(page.locator('.message-text', { hasText: /^message 9851$/ }));
    expect(pageRequests.length).toBe(3);
    expect(pageRequests.every((u) => u.includes('limit=50') && u.includes('cursor=') && u.includes('strategy=BEFORE'))).toBe(true);
    expect(await rows.count()).toBeLessThan(300);
    await page.context().close();
  });

  for (const width of [1280, 390]) {
    it(`has no serious or critical accessibility violation and fits ${width} px: chat, thread, Configure Apps, consent, sign-in`, async () => {
      const page = await open(width);
      const suffix = width < 500 ? '-390' : '';
      const found: Record<string, unknown> = {};

      found.chat = await seriousViolations(page);
      expect(await noHorizontalScroll(page)).toBe(true);
      await screenshot(page, `history${suffix}`);

      if (width < 500) {
        // The sidebar hides behind the menu button and slides in over the messages.
        expect(await page.getByRole('navigation').isVisible()).toBe(true);
        const box = await page.getByRole('navigation').boundingBox();
        expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(1);
        await page.getByRole('button', { name: 'Open channel list' }).click();
        await page.waitForTimeout(300);
        expect((await page.getByRole('navigation').boundingBox())?.x).toBe(0);
        await screenshot(page, `sidebar${suffix}`);
        found.sidebar = await seriousViolations(page);
        await page.getByRole('link', { name: 'history' }).click();
        await page.waitForTimeout(300);
      }

      await page.locator('.channel-view .message', { hasText: 'Shall we ship on Friday?' }).getByRole('button', { name: '1 reply' }).click();
      await shown(page.getByRole('complementary', { name: 'Thread' }).getByText('Yes, after the review.'));
      found.thread = await seriousViolations(page);
      expect(await noHorizontalScroll(page)).toBe(true);
      await screenshot(page, `thread${suffix}`);
      // Escape closes the thread; message actions are reachable by keyboard and show when focused.
      await page.keyboard.press('Escape');
      await count(page.getByRole('complementary', { name: 'Thread' }), 0);
      const react = page.locator('.channel-view .message').last().getByRole('button', { name: 'Add reaction' });
      await react.focus();
      expect(await react.evaluate((el) => getComputedStyle(el.parentElement as Element).opacity)).toBe('1');
      await page.keyboard.press('Enter');
      await shown(page.getByRole('group', { name: 'Pick a reaction' }));

      // The composer's autocomplete, keyboard-driven.
      const composer = page.getByRole('combobox', { name: 'Message #history' });
      await composer.fill('/');
      await shown(page.getByRole('option', { name: /\/standup/ }));
      found.autocomplete = await seriousViolations(page);
      await composer.press('Escape');
      await composer.fill('');

      await page.goto(`${t.url}/apps`);
      await shown(page.locator('.app-card', { hasText: 'Standup' }));
      found.apps = await seriousViolations(page);
      expect(await noHorizontalScroll(page)).toBe(true);
      await screenshot(page, `configure-apps${suffix}`);

      await page.goto(`${t.url}${consentPath}`);
      await shown(page.getByRole('heading', { name: 'Standup wants access' }));
      found.consent = await seriousViolations(page);
      expect(await noHorizontalScroll(page)).toBe(true);
      await screenshot(page, `consent${suffix}`);
      // Keyboard: Tab reaches the workspace picker, Cancel and Allow.
      const reached: string[] = [];
      for (let i = 0; i < 6; i++) {
        await page.keyboard.press('Tab');
        reached.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim() || ''));
      }
      expect(reached).toEqual(expect.arrayContaining(['workspaceId', 'Cancel', 'Allow']));

      const signedOut = await (await newContext(browser, width, 800)).newPage();
      await signedOut.goto(`${t.url}/login`);
      found.login = await seriousViolations(signedOut);
      await screenshot(signedOut, `sign-in${suffix}`);
      await signedOut.context().close();

      expect(found).toEqual({ chat: [], thread: [], autocomplete: [], apps: [], consent: [], login: [], ...(width < 500 ? { sidebar: [] } : {}) });
      await page.context().close();
    });
  }
});
