import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { json } from './lib/json-request.js';
import type { LoadResult } from './lib/load.js';
import { DEMO_PASSWORD, startBenchPlatform } from './lib/platform.js';
import type { Scenario } from './run.js';

const RENDERS = Number(process.env.BENCH_WEB_RENDERS ?? 15);
const HISTORY = 500;
const MAX_JS_GZIP_KB = 150;
const MAX_FIRST_RENDER_MS = 1000;

export const description = `Chat page: its JavaScript gzipped (target <= ${MAX_JS_GZIP_KB} KB) and a channel's first render on loopback (${RENDERS} cold loads of a channel with ${HISTORY} messages, headless Chromium; target p99 <= ${MAX_FIRST_RENDER_MS} ms)`;

const WEB_DIR = dirname(createRequire(import.meta.url).resolve('@switchboard/web/package.json'));

/** The page's script files (what index.html loads, with what they import), gzipped at level 9. */
function javascriptGzipBytes(): { files: number; gzipBytes: number; rawBytes: number } {
  const dist = join(WEB_DIR, 'dist');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  let gzipBytes = 0;
  let rawBytes = 0;
  for (const path of new Set(scripts)) {
    const body = readFileSync(join(dist, path));
    rawBytes += body.length;
    gzipBytes += gzipSync(body, { level: 9 }).length;
  }
  return { files: scripts.length, gzipBytes, rawBytes };
}

function stats(samples: number[]): Pick<LoadResult, 'p50' | 'p90' | 'p99' | 'max' | 'mean'> {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1], mean: samples.reduce((a, b) => a + b, 0) / samples.length };
}

export async function run(): Promise<Scenario[]> {
  execFileSync(process.execPath, [join(WEB_DIR, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: WEB_DIR,
    stdio: 'inherit',
  });
  const js = javascriptGzipBytes();
  const kb = Math.round(js.gzipBytes / 102.4) / 10;
  console.log(`chat page JavaScript: ${js.files} file(s), ${Math.round(js.rawBytes / 1024)} KB raw, ${kb} KB gzipped (target <= ${MAX_JS_GZIP_KB} KB)`);

  const platform = await startBenchPlatform('sqlite');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const response = await fetch(`${platform.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@example.com', password: DEMO_PASSWORD }),
    });
    const { token } = (await response.json()) as { token: string };
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0].split('=');
    const channels = await json<{ channel: { id: string; name?: string } }[]>(`${platform.url}/v1/channels`, { headers: { authtoken: token } });
    const general = channels.find((c) => c.channel.name === 'general')?.channel.id ?? '';
    for (let i = 1; i <= HISTORY; i++) {
      await json(
        `${platform.url}/v1/channels/${general}/messages`,
        {
          method: 'POST',
          headers: { authtoken: token, 'content-type': 'application/json' },
          body: JSON.stringify({ text: `bench message ${i}` }),
        },
        201,
      );
    }
    const samples: number[] = [];
    for (let i = 0; i < RENDERS + 1; i++) {
      // A fresh context each time: no cache, a cold load of page, assets and API calls.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addCookies([{ name: cookie[0], value: cookie[1], url: platform.url }]);
      const page = await context.newPage();
      // Time from navigation start until the newest message is in the DOM, noted by an observer
      // installed before the page runs (through the DevTools protocol, so the page's CSP stays on).
      await page.addInitScript((text) => {
        new MutationObserver((_, observer) => {
          if (Array.from(document.querySelectorAll('.message-text')).some((el) => el.textContent === text)) {
            (window as unknown as { renderedAt: number }).renderedAt = performance.now();
            observer.disconnect();
          }
        }).observe(document, { childList: true, subtree: true, characterData: true });
      }, `bench message ${HISTORY}`);
      await page.goto(`${platform.url}/c/${general}`);
      const ms = await page.waitForFunction(() => (window as unknown as { renderedAt?: number }).renderedAt, undefined, { polling: 50, timeout: 10_000 });
      const value = (await ms.jsonValue()) as number;
      if (i > 0) samples.push(value); // the first load warms the server's caches
      await context.close();
    }
    const timing = stats(samples);
    console.log(`first channel render: p50 ${Math.round(timing.p50)} ms, p99 ${Math.round(timing.p99)} ms (target <= ${MAX_FIRST_RENDER_MS} ms)`);
    const overBudget = kb > MAX_JS_GZIP_KB;
    const result: LoadResult = {
      requests: samples.length,
      errors: overBudget ? 1 : 0,
      durationMs: samples.reduce((a, b) => a + b, 0),
      throughput: 0,
      ...timing,
      clientCpuPercent: 0,
      ...(overBudget ? { firstError: `JavaScript is ${kb} KB gzipped, over ${MAX_JS_GZIP_KB} KB` } : {}),
    };
    const scenario: Scenario & { jsGzipKb: number; jsRawKb: number } = {
      variant: `sqlite, js ${kb} KB gz`,
      connections: 1,
      targets: { maxP99Ms: MAX_FIRST_RENDER_MS },
      result,
      jsGzipKb: kb,
      jsRawKb: Math.round(js.rawBytes / 102.4) / 10,
    };
    return [scenario];
  } finally {
    await browser.close();
    await platform.stop();
  }
}
