import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { MessageLog, Person } from '@switchboard/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliEnv, runInProcess, tempDir } from './support/cli.js';
import { PASSWORD, startTestPlatform, type TestPlatform } from './support/platform.js';

interface Row {
  id: string;
  eventType: string;
  status: string;
  lastStatus: number | null;
  attemptCount: number;
}

/** An app endpoint: finishes installs (code → tokens) and answers events with `eventStatus`. */
function startApp(platformUrl: string, appDir: string) {
  const state = { eventStatus: 500, events: 0, botId: '' };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://app');
    if (req.method === 'GET' && url.pathname === '/redirect') {
      const app = JSON.parse(readFileSync(join(appDir, '.switchboard-app.json'), 'utf8'));
      const form = new URLSearchParams({ 'client-id': app.appId, 'client-secret': app.clientSecret, code: url.searchParams.get('code') ?? '' });
      fetch(`${platformUrl}/oauth2/access`, { method: 'POST', body: form })
        .then(async (answer) => {
          const tokens = (await answer.json()) as { botId?: string };
          state.botId = tokens.botId ?? '';
          res.writeHead(answer.status === 200 ? 200 : 502).end('installed');
        })
        .catch(() => res.writeHead(502).end());
      return;
    }
    req.resume();
    req.on('end', () => {
      state.events += 1;
      res.writeHead(state.eventStatus).end('{}');
    });
  });
  return new Promise<{ url: string; server: Server; state: typeof state }>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, state })),
  );
}

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('switchboard apps install, deliveries, redeliver', () => {
  let t: TestPlatform;
  let app: Awaited<ReturnType<typeof startApp>>;
  let where: CliEnv;
  beforeAll(async () => {
    t = await startTestPlatform({ eventTimeoutMs: 2_000 });
    where = { home: tempDir('sb-home-'), cwd: tempDir('sb-app-') };
    app = await startApp(t.url, where.cwd);
    expect((await runInProcess(['login', '--url', t.url, '--email', 'alice@example.com', '--password', PASSWORD], where)).code).toBe(0);
    writeFileSync(
      join(where.cwd, 'manifest.json'),
      JSON.stringify({
        name: 'listener',
        displayName: 'Listener',
        bot: true,
        scopes: { botScopes: ['messages:read', 'messages:write'], userScopes: [] },
        shortcuts: [],
        slashCommands: [],
        eventSubscriptions: { url: `${app.url}/events`, events: ['NEW_MESSAGE'] },
        redirectUrls: [`${app.url}/redirect`],
      }),
    );
    expect((await runInProcess(['apps', 'create'], where)).code).toBe(0);
  });
  afterAll(async () => {
    app.server.close();
    await t.stop();
  });

  it('install consents and hands the code to the app, which finishes the install', async () => {
    const installed = await runInProcess(['apps', 'install'], where);
    expect(installed.stderr).toBe('');
    expect(installed.stdout).toContain('Installed Listener');
    expect(app.state.botId).toMatch(/\w+/);
  });

  it('deliveries lists what was sent and how it went; redeliver sends one again', async () => {
    const alice = await Person.signIn(t.url, 'alice', 'alice@example.com', PASSWORD, new MessageLog());
    await alice.addMembers('#general', [app.state.botId]);
    await alice.post('#general', 'hello, listener');

    const failing = await eventually(async () => {
      const rows = JSON.parse((await runInProcess(['deliveries', '--json'], where)).stdout) as Row[];
      return rows.find((row) => row.eventType === 'NEW_MESSAGE' && row.lastStatus === 500);
    }, 'a failed attempt');
    expect(failing.status).toBe('pending');
    const table = await runInProcess(['deliveries'], where);
    expect(table.stdout).toMatch(new RegExp(`${failing.id}\\s+NEW_MESSAGE\\s+pending\\*?\\s+\\d+\\s+500`));
    expect((await runInProcess(['deliveries', '--failed'], where)).stdout).toContain('No failed deliveries.');
    expect(JSON.parse((await runInProcess(['deliveries', '--status', 'delivered', '--json'], where)).stdout)).toEqual([]);

    app.state.eventStatus = 200;
    const again = await eventually(async () => {
      const result = await runInProcess(['redeliver', failing.id], where);
      return result.code === 0 ? result : undefined;
    }, 'the redelivery to be accepted');
    expect(again.stdout).toContain(`Delivery ${failing.id} (NEW_MESSAGE) is queued again`);
    const delivered = await eventually(async () => {
      const rows = JSON.parse(
        (await runInProcess(['deliveries', '--app', JSON.parse(readFileSync(join(where.cwd, '.switchboard-app.json'), 'utf8')).appId, '--json'], where)).stdout,
      ) as Row[];
      return rows.find((row) => row.id === failing.id && row.status === 'delivered');
    }, 'the delivery to succeed');
    expect(delivered.lastStatus).toBe(200);
  });

  it('an unknown delivery is not found (exit 4)', async () => {
    const result = await runInProcess(['redeliver', '0123456789abcdef01234567'], where);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('switchboard deliveries');
  });
});
