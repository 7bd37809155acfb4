import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlatform, defaultConfig, resetPassword } from '@switchboard/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runInProcess, tempDir } from './support/cli.js';
import { dialects, PASSWORD, startTestPlatform } from './support/platform.js';

async function login(url: string, password: string) {
  const response = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'alice@example.com', password }),
  });
  return { status: response.status, body: (await response.json()) as { token: string; workspaceId: string; workspaceUserId: string } };
}

describe('switchboard users reset-password', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-reset-'));
  let platform: Awaited<ReturnType<typeof createPlatform>>;
  let url: string;
  beforeAll(async () => {
    platform = await createPlatform(
      defaultConfig({ port: 0, host: '127.0.0.1', dataDir, databaseUrl: undefined, logLevel: 'silent', seedDemo: true, demoPassword: PASSWORD }),
    );
    url = await platform.listen();
  });
  afterAll(async () => {
    await platform.close();
  });

  it('prints a new random password (a real child process, on the store of a running platform) and ends the old sessions', async () => {
    const before = await login(url, PASSWORD);
    expect(before.status).toBe(200);
    const home = tempDir('sb-home-');
    const result = await runCli(['users', 'reset-password', 'Alice@Example.com', '--data-dir', dataDir], { home, cwd: home, env: { DATABASE_URL: undefined } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const password = /New password for alice@example\.com: (\S+)/.exec(result.stdout)?.[1];
    expect(password).toBeTruthy();
    expect(result.stdout).toContain('1 session(s) ended');

    expect((await login(url, PASSWORD)).status).toBe(401);
    expect((await login(url, password as string)).status).toBe(200);
    // The session of the old password is over (the platform trusts its cache for 2 s at most).
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const old = await fetch(`${url}/workspaces/${before.body.workspaceId}/workspaceUsers/${before.body.workspaceUserId}/apps/mine`, {
      headers: { authtoken: before.body.token },
    });
    expect(old.status).toBe(401);
  });

  it('takes --password, refuses a short one (exit 2) and an unknown address (exit 4)', async () => {
    const where = { home: tempDir('sb-home-'), cwd: dataDir, env: { DATABASE_URL: undefined } };
    const set = await runInProcess(['users', 'reset-password', 'alice@example.com', '--password', 'a-chosen-password', '--data-dir', dataDir], where);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('Password of alice@example.com changed.');
    expect(set.stdout).not.toContain('a-chosen-password');
    expect((await login(url, 'a-chosen-password')).status).toBe(200);

    const short = await runInProcess(['users', 'reset-password', 'alice@example.com', '--password', 'short', '--data-dir', dataDir], where);
    expect(short.code).toBe(2);
    const unknown = await runInProcess(['users', 'reset-password', 'nobody@example.com', '--data-dir', dataDir], where);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('No account has the e-mail address nobody@example.com.');
  });
});

describe.runIf((await dialects()).includes('postgres'))('reset-password on PostgreSQL (DATABASE_URL)', () => {
  it('sets the password and ends the sessions in the PostgreSQL store', async () => {
    const t = await startTestPlatform({}, 'postgres');
    try {
      expect((await login(t.url, PASSWORD)).status).toBe(200);
      const config = t.platform.config;
      const reset = await resetPassword({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, pgSchema: config.pgSchema }, 'alice@example.com');
      expect(reset).toMatchObject({ email: 'alice@example.com', generated: true, endedSessions: 1 });
      expect((await login(t.url, PASSWORD)).status).toBe(401);
      expect((await login(t.url, reset.password)).status).toBe(200);
    } finally {
      await t.stop();
    }
  });
});
