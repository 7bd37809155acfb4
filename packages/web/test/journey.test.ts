import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchBrowser, newContext, screenshot, signIn } from './support/browser.js';
import { type RunningEchoApp, startEchoApp } from './support/echo-app.js';
import { apiCall, apiLogin, startWebPlatform, type WebPlatform } from './support/platform.js';
import { containsText, count, shown, value } from './support/wait.js';
import { WEB_DIR } from './support/web-build.js';

// A real browser on a shared 2-core machine: generous limits (the assertions themselves wait at most 10 s each).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

/** The message rows of the channel's list whose text is exactly `text`. */
const messagesWithText = (page: Page, text: string) =>
  page.locator('.channel-view .message', { has: page.locator('.message-text', { hasText: new RegExp(`^${text}$`) }) });

describe('the chat page, end to end with the real platform and examples/echo-bot', () => {
  let t: WebPlatform;
  let echo: RunningEchoApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startWebPlatform();
    const alice = await apiLogin(t.url, 'alice@example.com');
    echo = await startEchoApp(t.url, alice);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await echo?.stop();
    await t?.stop();
  });

  it('alice installs Echo Bot through Configure Apps and consent, runs /echo, threads and reacts live with bob, survives a dropped connection, uninstalls', async () => {
    const aliceContext = await newContext(browser);
    const alice = await aliceContext.newPage();
    const errors: string[] = [];
    alice.on('pageerror', (e) => errors.push(e.message));

    // Sign in, then Configure Apps: Echo Bot is registered but not installed.
    await signIn(alice, t.url, 'alice@example.com');
    await alice.getByRole('link', { name: 'Configure Apps' }).click();
    const card = alice.locator('.app-card', { hasText: 'Echo Bot' });
    await shown(card.getByText('Not installed'));
    await screenshot(alice, 'configure-apps-before-install');

    // Install → the app's listing page → the consent screen → Allow → back on Configure Apps.
    await card.getByRole('link', { name: 'Install' }).click();
    await alice.waitForURL(/\/access-request\?/);
    await shown(alice.getByRole('heading', { name: 'Echo Bot wants access' }));
    await shown(alice.getByText('What the bot may do'));
    await shown(alice.getByText('Post messages'));
    await value(alice.getByLabel('Workspace'), /.+/);
    await screenshot(alice, 'consent');
    await alice.getByRole('button', { name: 'Allow' }).click();
    await alice.waitForURL(`${t.url}/apps`);
    await shown(card.getByText('Installed', { exact: true }));
    await shown(card.getByText('Repeats what you say'));
    await screenshot(alice, 'configure-apps');

    // The bot joins #general (what a person does with "add people"; the page has no member editor yet).
    const token = (await apiLogin(t.url, 'alice@example.com')).token;
    const apps = await apiCall<{ apps: { id: string; bot: { userId: string } | null }[] }>(t.url, token, 'GET', '/v1/web/apps');
    const botId = apps.body.apps.find((a) => a.id === echo.appId)?.bot?.userId ?? '';
    const channels = await apiCall<{ channel: { id: string; name?: string } }[]>(t.url, token, 'GET', '/v1/channels');
    const general = channels.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
    expect((await apiCall(t.url, token, 'POST', `/v1/channels/${general}/users`, { userIds: [botId] })).status).toBeLessThan(300);

    // Bob is in #general in a second browser.
    const bobContext = await newContext(browser);
    const bob = await bobContext.newPage();
    await signIn(bob, t.url, 'bob@example.com', `/c/${general}`);
    await shown(bob.getByRole('heading', { name: 'general' }));

    // /ec → the autocomplete offers /echo (with its description, usage hint and app) → picked by keyboard → sent.
    await alice.getByRole('link', { name: 'general' }).click();
    const composer = alice.getByRole('combobox', { name: 'Message #general' });
    await composer.fill('/ec');
    const option = alice.getByRole('option', { name: /\/echo/ });
    await containsText(option, 'Repeats what you say');
    await containsText(option, '[text]');
    await containsText(option, 'Echo Bot');
    await screenshot(alice, 'slash-autocomplete');
    await composer.press('Enter');
    await value(composer, '/echo ');
    await composer.pressSequentially('hello from the page');
    await composer.press('Enter');

    // The ephemeral answer (only alice's) and the bot's message appear live.
    const ephemeral = alice.locator('.message.ephemeral', { hasText: 'You said: hello from the page' });
    await shown(ephemeral);
    await containsText(ephemeral, 'Only visible to you');
    const botMessage = messagesWithText(alice, 'hello from the page');
    await count(botMessage, 1);
    await containsText(botMessage.locator('.bot-badge'), 'BOT');
    await containsText(botMessage, 'Repeats what you say');
    await screenshot(alice, 'chat-ephemeral');
    // The bot's profile, from its name.
    await botMessage.getByRole('button', { name: 'Echo Bot' }).click();
    const profile = alice.getByRole('dialog', { name: 'Profile of Echo Bot' });
    await containsText(profile, 'Repeats what you say');
    await containsText(profile, 'BOT');
    await screenshot(alice, 'bot-profile');
    await alice.keyboard.press('Escape');
    await count(profile, 0);

    // Bob sees the bot's message, never alice's ephemeral answer.
    await count(messagesWithText(bob, 'hello from the page'), 1);
    await count(bob.getByText('You said: hello from the page'), 0);

    // Alice dismisses the ephemeral, replies in a thread and reacts; bob sees both live.
    await ephemeral.getByRole('button', { name: 'Dismiss' }).click();
    await count(ephemeral, 0);
    await botMessage.hover();
    await botMessage.getByRole('button', { name: 'Reply in thread' }).click();
    const thread = alice.getByRole('complementary', { name: 'Thread' });
    await thread.getByRole('combobox', { name: 'Reply in thread' }).fill('a reply in the thread');
    await thread.getByRole('combobox', { name: 'Reply in thread' }).press('Enter');
    await shown(thread.locator('.message-text', { hasText: 'a reply in the thread' }));
    await botMessage.hover();
    await botMessage.getByRole('button', { name: 'Add reaction' }).click();
    await botMessage.getByRole('button', { name: 'React with :thumbsup:' }).click();
    await shown(botMessage.getByRole('button', { name: /:thumbsup: 1, including you/ }));
    await screenshot(alice, 'thread');

    const bobsBotMessage = messagesWithText(bob, 'hello from the page');
    await shown(bobsBotMessage.getByRole('button', { name: '1 reply' }));
    await shown(bobsBotMessage.getByRole('button', { name: /^:thumbsup: 1$/ }));

    // The live connection is cut; bob posts while alice is away; she reconnects and has each message exactly once.
    t.platform.services.realtime.closeAll();
    const bobToken = (await apiLogin(t.url, 'bob@example.com')).token;
    for (const n of [1, 2, 3]) await apiCall(t.url, bobToken, 'POST', `/v1/channels/${general}/messages`, { text: `while away ${n}` });
    for (const n of [1, 2, 3]) await count(messagesWithText(alice, `while away ${n}`), 1);
    await bob.getByRole('combobox', { name: 'Message #general' }).fill('after the reconnect');
    await bob.getByRole('combobox', { name: 'Message #general' }).press('Enter');
    await count(messagesWithText(alice, 'after the reconnect'), 1);
    await count(messagesWithText(alice, 'hello from the page'), 1);
    await count(alice.locator('.live-dot.live'), 1);
    await count(alice.locator('.toast'), 0);
    await alice.mouse.move(0, 0);
    await screenshot(alice, 'chat');
    // docs/chat.png (the README's picture) is refreshed on request, so a test run leaves the work tree clean.
    if (process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
      mkdirSync(join(WEB_DIR, '..', '..', 'docs'), { recursive: true });
      copyFileSync(join(WEB_DIR, 'test-artifacts', 'chat.png'), join(WEB_DIR, '..', '..', 'docs', 'chat.png'));
    }

    // Alice uninstalls: the app goes back to "available" and /echo leaves the autocomplete.
    await alice.getByRole('link', { name: 'Configure Apps' }).click();
    await card.getByRole('button', { name: 'Uninstall' }).click();
    await shown(card.getByText('Not installed'));
    await alice.getByRole('link', { name: 'general' }).click();
    await composer.fill('/ec');
    await count(alice.getByRole('option'), 0);

    expect(errors).toEqual([]);
    await aliceContext.close();
    await bobContext.close();
  });
});
