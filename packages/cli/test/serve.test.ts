import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isListening, spawnCli } from './dev-harness.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Pids whose command line mentions `needle` (the test's own data dir). */
function processesMentioning(needle: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('switchboard serve', { timeout: 120_000 }, () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sb-serve-')));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a SIGTERM to `npx switchboard serve` stops the server it started: port free, no process left; logs are JSON lines off a terminal', async () => {
    const data = dataDir();
    const serve = spawnCli(['serve', '--port', '0', '--data-dir', data], { cwd: ROOT, via: 'npx' });
    const [, url] = await serve.waitFor(/listening on (http:\/\/\S+)/, 90_000);
    const port = Number(new URL(url).port);
    expect(await isListening(port)).toBe(true);
    const logLine = serve
      .output()
      .split('\n')
      .find((line) => line.startsWith('{'));
    expect(JSON.parse(logLine ?? '{}')).toMatchObject({ level: 30, msg: expect.any(String) });
    expect(processesMentioning(data).length).toBeGreaterThan(0);

    serve.child.kill('SIGTERM');
    await serve.exited;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && ((await isListening(port)) || processesMentioning(data).length > 0)) await new Promise((r) => setTimeout(r, 200));
    expect(await isListening(port)).toBe(false);
    expect(processesMentioning(data)).toEqual([]);
  });

  it('a SIGTERM to the node process itself: exit 0 after closing', async () => {
    const serve = spawnCli(['serve', '--port', '0', '--data-dir', dataDir()], { cwd: ROOT });
    const [, url] = await serve.waitFor(/listening on (http:\/\/\S+)/, 90_000);
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
    expect(await isListening(Number(new URL(url).port))).toBe(false);
  });

  it('a port in use is an error that says to use --port (exit 2)', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (busy.address() as { port: number }).port;
      const serve = spawnCli(['serve', '--port', String(port), '--data-dir', dataDir()], { cwd: ROOT });
      expect((await serve.exited).code).toBe(2);
      expect(serve.output()).toContain(`Port ${port} on 127.0.0.1 is already in use.`);
      expect(serve.output()).toContain('--port');
    } finally {
      busy.close();
    }
  });
});
