import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { launchBrowser, newContext, screenshot, signIn } from './support/browser.js';
import { apiCall, apiLogin, PASSWORD, startWebPlatform, type WebPlatform } from './support/platform.js';
import { count, shown } from './support/wait.js';

// A real browser on a shared 2-core machine: generous limits (the assertions themselves wait at most 10 s each).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const XSS = '<img src=x onerror="window.__pwned=1">';

/** Signs in through the form page and returns the session cookie (`sb_session=…`). */
async function cookieLogin(url: string, email: string, previous?: string): Promise<string> {
  const response = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(previous ? { cookie: previous } : {}) },
    body: new URLSearchParams({ email, password: PASSWORD, next: '/' }).toString(),
    redirect: 'manual',
  });
  expect(response.status).toBe(303);
  return (response.headers.get('set-cookie') ?? '').split(';')[0];
}

const me = (url: string, cookie: string) => fetch(`${url}/v1/users/me`, { headers: { cookie } }).then((r) => r.status);

describe('the chat page is safe to open: escaping, CSRF, CSP, framing, sessions', () => {
  let t: WebPlatform;
  let browser: Browser;
  let evil: Server;
  let evilUrl: string;
  let general: string;
  let aliceToken: string;

  beforeAll(async () => {
    t = await startWebPlatform();
    browser = await launchBrowser();
    const alice = await apiLogin(t.url, 'alice@example.com');
    aliceToken = alice.token;
    const channels = await apiCall<{ channel: { id: string; name?: string } }[]>(t.url, alice.token, 'GET', '/v1/channels');
    general = channels.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
    // Another site (another host name, so cross-site for the browser) that tries to frame the page and post forms to it.
    evil = createServer((request, response) => {
      response.setHeader('content-type', 'text/html');
      if (request.url === '/frame') return response.end(`<iframe id="f" src="${t.url}/access-request?clientId=x" width="600" height="400"></iframe>`);
      response.end(
        `<form id="f" method="post" action="${t.url}/v1/channels"><input name="name" value="evil-form"></form><script>document.getElementById('f').submit()</script>`,
      );
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    evilUrl = `http://localhost:${(evil.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    evil?.closeAllConnections();
    evil?.close();
    await t?.stop();
  });

  it('renders what people and apps wrote as text: no markup, no javascript: links', async () => {
    const bob = await apiLogin(t.url, 'bob@example.com');
    expect((await apiCall(t.url, bob.token, 'PATCH', `/v1/workspaceUsers/${bob.workspaceUserId}`, { name: `Bob ${XSS}` })).status).toBe(200);
    const created = await apiCall<{ channel: { id: string } }>(t.url, aliceToken, 'POST', '/v1/channels', { name: 'xss', description: `About ${XSS}` });
    const xss = created.body.channel.id;
    await apiCall(t.url, bob.token, 'POST', `/v1/channels/${xss}/join`);
    await apiCall(t.url, bob.token, 'POST', `/v1/channels/${xss}/messages`, {
      text: `look ${XSS} and javascript:window.__pwned=2 and <a href="javascript:alert(1)">click</a> and https://example.com/ok`,
    });

    const page = await (await newContext(browser)).newPage();
    await signIn(page, t.url, 'alice@example.com', `/c/${xss}`);
    const message = page.locator('.message', { hasText: 'look' });
    await shown(message);
    expect(await message.locator('.message-text').textContent()).toContain(XSS);
    expect(await message.locator('.message-author').textContent()).toBe(`Bob ${XSS}`);
    expect(await page.locator('.channel-description').textContent()).toBe(`About ${XSS}`);
    await count(page.locator('img[src="x"]'), 0);
    await count(page.locator('.message-text a'), 1);
    expect(await page.locator('.message-text a').getAttribute('href')).toBe('https://example.com/ok');
    const hrefs = await page.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => (a as HTMLAnchorElement).protocol));
    expect(hrefs.every((p) => p === 'http:' || p === 'https:')).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await screenshot(page, 'xss-as-text');
  });

  it('refuses a cross-site form post carrying only the session cookie, and creates nothing', async () => {
    const cookie = await cookieLogin(t.url, 'alice@example.com');
    const before = (await apiCall<unknown[]>(t.url, aliceToken, 'GET', '/v1/channels')).body.length;
    const forged = await fetch(`${t.url}/v1/channels`, {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=evil-channel',
    });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { code: string }).code).toBe('forbidden');
    // Without an Origin (old browsers, some redirects) a form body is still refused on /v1.
    const formWithoutOrigin = await fetch(`${t.url}/v1/channels`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=evil-channel-2',
    });
    expect(formWithoutOrigin.status).toBe(415);
    const crossSiteJson = await fetch(`${t.url}/v1/channels`, {
      method: 'POST',
      headers: { cookie, 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'evil-channel-3' }),
    });
    expect(crossSiteJson.status).toBe(403);
    expect((await apiCall<unknown[]>(t.url, aliceToken, 'GET', '/v1/channels')).body.length).toBe(before);

    // The page's own requests (same origin, JSON) and token-authenticated tools still work.
    const own = await fetch(`${t.url}/v1/channels`, {
      method: 'POST',
      headers: { cookie, origin: t.url, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'own-page' }),
    });
    expect(own.status).toBe(201);
    expect((await apiCall(t.url, aliceToken, 'POST', '/v1/channels', { name: 'from-a-tool' })).status).toBe(201);
  });

  it('a real cross-site page cannot create a channel with the signed-in browser', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, t.url, 'alice@example.com');
    const before = (await apiCall<unknown[]>(t.url, aliceToken, 'GET', '/v1/channels')).body.length;
    const posted = page.waitForResponse((r) => r.url() === `${t.url}/v1/channels` && r.request().method() === 'POST');
    await page.goto(evilUrl);
    // SameSite=Lax already keeps the cookie off this post (401); the CSRF guard refuses it when a browser sends it (403).
    expect([401, 403]).toContain((await posted).status());
    expect((await apiCall<{ channel: { name?: string } }[]>(t.url, aliceToken, 'GET', '/v1/channels')).body.some((c) => c.channel.name === 'evil-form')).toBe(
      false,
    );
    expect((await apiCall<unknown[]>(t.url, aliceToken, 'GET', '/v1/channels')).body.length).toBe(before);
    await context.close();
  });

  it('refuses a cross-origin WebSocket carrying the session cookie', async () => {
    const cookie = await cookieLogin(t.url, 'alice@example.com');
    const wsUrl = `${t.url.replace('http', 'ws')}/v1/realtime`;
    const status = (origin: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(wsUrl, { headers: { cookie, origin } });
        socket.on('open', () => {
          socket.close();
          resolve(101);
        });
        socket.on('unexpected-response', (request, response) => {
          resolve(response.statusCode ?? 0);
          request.destroy();
        });
        socket.on('error', () => {});
      });
    expect(await status('https://evil.example')).toBe(403);
    expect(await status(t.url)).toBe(101);
  });

  it('serves every page with a CSP without inline script; the consent page cannot be framed', async () => {
    const cookie = await cookieLogin(t.url, 'alice@example.com');
    for (const path of ['/', '/apps', `/c/${general}`, '/login', '/access-request?clientId=nope&redirectUrl=https%3A%2F%2Fx&scopes=a']) {
      const response = await fetch(`${t.url}${path}`, { headers: { cookie } });
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(await response.text(), path).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
    // Without a session the page sends people to sign in, and back.
    const anonymous = await fetch(`${t.url}/c/${general}`, { redirect: 'manual' });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/c/${general}`)}`);
    const asset = (await (await fetch(`${t.url}/`, { headers: { cookie } })).text()).match(/\/assets\/[^"]+\.js/)?.[0] ?? '';
    const assetResponse = await fetch(`${t.url}${asset}`);
    expect(assetResponse.status).toBe(200);
    expect(assetResponse.headers.get('cache-control')).toContain('immutable');

    const page = await (await newContext(browser)).newPage();
    await signIn(page, t.url, 'alice@example.com');
    await page.goto(`${evilUrl}/frame`);
    await page.waitForTimeout(500);
    const framed = page.frames().find((f) => f !== page.mainFrame());
    expect(framed?.url() ?? '').not.toContain('/access-request');
  });

  it('signing in starts a new session and ends the old one; signing out revokes it', async () => {
    const first = await cookieLogin(t.url, 'alice@example.com');
    const second = await cookieLogin(t.url, 'alice@example.com', first);
    expect(second).not.toBe(first);
    expect(await me(t.url, second)).toBe(200);
    expect(await me(t.url, first)).toBe(401);

    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, t.url, 'alice@example.com');
    await shown(page.getByRole('button', { name: 'Sign out' }));
    const session = (await context.cookies()).find((c) => c.name === 'sb_session');
    expect(session).toBeDefined();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    expect(await me(t.url, `sb_session=${session?.value}`)).toBe(401);
    await context.close();
  });
});
