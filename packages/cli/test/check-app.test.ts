import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ManifestInput } from '@switchboard/protocol';
import { type App, createApp } from '@switchboard/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runInProcess, tempDir } from './support/cli.js';

const SECRET = 'check-app-test-signing-secret';
const manifest: ManifestInput = {
  name: 'probe-target',
  displayName: 'Probe Target',
  bot: true,
  scopes: { botScopes: ['messages:write'], userScopes: [] },
  shortcuts: [],
  slashCommands: [{ command: '/echo', url: 'http://127.0.0.1:9/hook' }],
  eventSubscriptions: { url: 'http://127.0.0.1:9/hook', events: ['NEW_MESSAGE'] },
  redirectUrls: [],
};

interface ProbeResult {
  name: string;
  ok: boolean;
  status: number | null;
  problem?: string;
}

/** An app that "verifies" carelessly: HMAC over the body only, no timestamp check, JSON parsed unguarded. */
/** `delayMs` slows the first answer only (the slash command probe comes first). */
function carelessReceiver(options: { verify: boolean; delayMs?: number }): Promise<{ url: string; server: Server }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    const delay = requests === 1 ? (options.delayMs ?? 0) : 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const expected = createHmac('sha256', SECRET).update(body).digest('hex');
      const given = req.headers['x-pumble-request-signature'];
      const signatureOk =
        given === createHmac('sha256', SECRET).update(`${req.headers['x-pumble-request-timestamp']}:${body}`).digest('hex') || given === expected;
      if (options.verify && !signatureOk) {
        res.writeHead(401).end('bad signature');
        return;
      }
      setTimeout(() => {
        try {
          JSON.parse(body);
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } catch {
          res.writeHead(500).end('Internal Server Error');
        }
      }, delay);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, server })),
  );
}

describe('switchboard check-app', () => {
  let sdkApp: App;
  let sdkUrl: string;
  const servers: Server[] = [];
  beforeAll(async () => {
    sdkApp = createApp({ manifest, signingSecret: SECRET, apiBaseUrl: 'http://127.0.0.1:9', appKey: 'unused' })
      .command('/echo', async (ctx) => {
        ctx.ack(`You said: ${ctx.payload.text}`);
      })
      .event('NEW_MESSAGE', async () => {});
    const address = await sdkApp.start({ port: 0 });
    sdkUrl = `${address?.url}/hook`;
  });
  afterAll(async () => {
    await sdkApp.stop();
    for (const server of servers) server.close();
  });

  const where = () => {
    const dir = tempDir('sb-check-');
    return { home: dir, cwd: dir };
  };

  it('an SDK app passes every check', async () => {
    const result = await runInProcess(['check-app', sdkUrl, '--signing-secret', SECRET, '--command', '/echo', '--json'], where());
    const report = JSON.parse(result.stdout) as { passed: boolean; results: ProbeResult[] };
    expect(report.results.map((r) => [r.name, r.status, r.ok])).toEqual([
      ['slash command', 200, true],
      ['event', 200, true],
      ['wrong signature', 403, true],
      ['unsigned request', 401, true],
      ['stale timestamp', 401, true],
      // The SDK remembers the signatures it accepted within the freshness window.
      ['replayed request', 409, true],
      ['re-timestamped request', 403, true],
      ['malformed JSON', 400, true],
    ]);
  });

  it('an SDK app refuses an exact replay, so every check passes (exit 0)', async () => {
    const result = await runInProcess(['check-app', sdkUrl, '--signing-secret', SECRET, '--command', '/echo', '--json'], where());
    expect(JSON.parse(result.stdout).passed).toBe(true);
    expect(result.code).toBe(0);
  });

  it('in an app folder it needs no arguments: the URL and command from manifest.json, the secret from .switchboard-app.json', async () => {
    const folder = where();
    writeFileSync(
      join(folder.cwd, 'manifest.json'),
      JSON.stringify({ ...manifest, slashCommands: [{ command: '/echo', url: sdkUrl }], eventSubscriptions: { url: sdkUrl, events: ['NEW_MESSAGE'] } }),
    );
    writeFileSync(
      join(folder.cwd, '.switchboard-app.json'),
      JSON.stringify({ url: 'http://127.0.0.1:9', appId: 'a', appKey: 'k', clientSecret: 'c', signingSecret: SECRET }),
    );
    const result = await runInProcess(['check-app', '--json'], folder);
    const report = JSON.parse(result.stdout) as { url: string; results: ProbeResult[] };
    expect(report.url).toBe(sdkUrl);
    expect(report.results.filter((r) => !r.ok).map((r) => r.name)).toEqual([]);
  });

  it('the wrong signing secret makes the valid probes fail, with a hint', async () => {
    const result = await runInProcess(['check-app', sdkUrl, '--signing-secret', 'not-the-secret'], where());
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ slash command\s+403 .*is --signing-secret the app’s current signing secret\?/);
  });

  it('a careless receiver: the failures are named and the exit code is 1 (a real child process)', async () => {
    const careless = await carelessReceiver({ verify: true });
    servers.push(careless.server);
    const result = await runCli(['check-app', careless.url, '--signing-secret', SECRET], where());
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✓ slash command\s+200/);
    expect(result.stdout).toMatch(/✓ event\s+200/);
    expect(result.stdout).toMatch(/✓ wrong signature\s+401/);
    expect(result.stdout).toMatch(/✗ stale timestamp\s+200 .*accepted it/);
    expect(result.stdout).toMatch(/✗ replayed request\s+200 .*accepted it/);
    expect(result.stdout).toMatch(/✓ re-timestamped request\s+401/);
    expect(result.stdout).toMatch(/✗ malformed JSON\s+500 .*instead of refusing with a 4xx/);
    expect(result.stdout).toContain('3 of 8 checks failed.');
  });

  it('a receiver that verifies nothing and answers slowly fails the deadline and every refusal', async () => {
    const lax = await carelessReceiver({ verify: false, delayMs: 3_300 });
    servers.push(lax.server);
    const result = await runInProcess(['check-app', lax.url, '--signing-secret', SECRET, '--json'], where());
    const report = JSON.parse(result.stdout) as { passed: boolean; results: ProbeResult[] };
    const failed = Object.fromEntries(report.results.filter((r) => !r.ok).map((r) => [r.name, r.problem]));
    expect(Object.keys(failed)).toEqual([
      'slash command',
      'wrong signature',
      'unsigned request',
      'stale timestamp',
      'replayed request',
      're-timestamped request',
      'malformed JSON',
    ]);
    expect(failed['slash command']).toMatch(/answered after \d+ ms; the limit is 3000 ms/);
    expect(result.code).toBe(1);
  });

  it('an unreachable app fails every check; no signing secret is a usage error', async () => {
    const down = await runInProcess(['check-app', 'http://127.0.0.1:9/hook', '--signing-secret', SECRET, '--json'], where());
    expect(JSON.parse(down.stdout).results.every((r: ProbeResult) => !r.ok && r.problem?.startsWith('could not connect'))).toBe(true);
    expect(down.code).toBe(1);
    const noSecret = await runInProcess(['check-app', sdkUrl], where());
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('--signing-secret');
  });
});
