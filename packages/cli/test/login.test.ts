import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../src/api/client.js';
import { people } from '../src/api/people.js';
import { currentSession } from '../src/credentials/session.js';
import { runCli, runInProcess, runInTerminal, tempDir } from './support/cli.js';
import { PASSWORD, startTestPlatform, type TestPlatform } from './support/platform.js';

const rc = (home: string) => JSON.parse(readFileSync(join(home, '.switchboardrc'), 'utf8'));
const mode = (path: string) => statSync(path).mode & 0o777;

async function passwordLogin(url: string, email = 'alice@example.com') {
  const response = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  return (await response.json()) as { token: string; refreshToken: string; workspaceId: string; workspaceUserId: string };
}

describe('switchboard login / whoami / logout', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('signs in with e-mail and password (a real child process), keeps credentials in a 0600 ~/.switchboardrc and says who you are', async () => {
    const home = tempDir('sb-home-');
    const login = await runCli(['login', '--url', t.url, '--email', 'alice@example.com', '--password', PASSWORD], { home, cwd: home });
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toContain('Signed in to');
    expect(login.stdout).toContain('alice@example.com');
    expect(mode(join(home, '.switchboardrc'))).toBe(0o600);
    const stored = rc(home);
    expect(stored).toMatchObject({ url: t.url, email: 'alice@example.com' });
    expect(stored.token.split('.')).toHaveLength(3);
    expect(stored.refreshToken).toBeTruthy();

    const who = await runCli(['whoami', '--json'], { home, cwd: home });
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ url: t.url, email: 'alice@example.com', name: 'Alice', workspaceName: 'Demo', credentials: 'file' });
  });

  const hasScript = (() => {
    try {
      execFileSync('script', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      console.warn('[switchboard tests] util-linux `script` is missing: the terminal prompt test is SKIPPED.');
      return false;
    }
  })();

  it.skipIf(!hasScript)('in a terminal, asks for the e-mail and the password (hidden)', async () => {
    const home = tempDir('sb-home-');
    const result = await runInTerminal(['login', '--url', t.url], { home, cwd: home }, [
      { prompt: 'E-mail', input: 'alice@example.com' },
      { prompt: 'Password', input: PASSWORD },
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Signed in to');
    expect(result.stdout).not.toContain(PASSWORD);
    expect(rc(home)).toMatchObject({ url: t.url, email: 'alice@example.com' });
    expect(mode(join(home, '.switchboardrc'))).toBe(0o600);
  });

  it('refuses a wrong password with exit code 3 and says what to do', async () => {
    const home = tempDir('sb-home-');
    const result = await runInProcess(['login', '--url', t.url, '--email', 'alice@example.com', '--password', 'wrong-password'], { home, cwd: home });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('The e-mail or password is wrong.');
    expect(result.stderr).toContain('switchboard users reset-password');
  });

  it('without a terminal, a missing password is a usage error (exit 2), not a hang', async () => {
    const home = tempDir('sb-home-');
    const result = await runCli(['login', '--url', t.url, '--email', 'alice@example.com'], { home, cwd: home });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--password');
  });

  it('signs in with --token and validates it before saving', async () => {
    const home = tempDir('sb-home-');
    const session = await passwordLogin(t.url, 'bob@example.com');
    const result = await runInProcess(['login', '--url', t.url, '--token', session.token], { home, cwd: home });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('bob@example.com');
    expect(rc(home)).toMatchObject({ url: t.url, token: session.token, workspaceUserId: session.workspaceUserId });
    expect(mode(join(home, '.switchboardrc'))).toBe(0o600);

    const bad = await runInProcess(['login', '--url', t.url, '--token', 'not-a-token'], { home: tempDir('sb-home-'), cwd: home });
    expect(bad.code).toBe(2);
  });

  it('SWITCHBOARD_URL and SWITCHBOARD_TOKEN override the file; a stored token is never sent to another platform', async () => {
    const home = tempDir('sb-home-');
    const session = await passwordLogin(t.url, 'bob@example.com');
    const env = await runInProcess(['whoami', '--json'], { home, cwd: home, env: { SWITCHBOARD_URL: t.url, SWITCHBOARD_TOKEN: session.token } });
    expect(env.code).toBe(0);
    expect(JSON.parse(env.stdout)).toMatchObject({ email: 'bob@example.com', credentials: 'SWITCHBOARD_TOKEN' });

    await runInProcess(['login', '--url', t.url, '--email', 'alice@example.com', '--password', PASSWORD], { home, cwd: home });
    const other = await runInProcess(['whoami'], { home, cwd: home, env: { SWITCHBOARD_URL: 'http://127.0.0.1:9' } });
    expect(other.code).toBe(3);
    expect(other.stderr).toContain('switchboard login --url http://127.0.0.1:9');
  });

  it('not signed in: exit code 3 and the hint to run `switchboard login`', async () => {
    const home = tempDir('sb-home-');
    const result = await runCli(['whoami'], { home, cwd: home });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('You are not signed in.');
    expect(result.stderr).toContain('switchboard login');
  });

  it('an unreachable platform exits 5 with what to check', async () => {
    const home = tempDir('sb-home-');
    const result = await runInProcess(['login', '--url', 'http://127.0.0.1:9', '--email', 'a@example.com', '--password', 'x'], { home, cwd: home });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('Cannot reach the platform at http://127.0.0.1:9');
  });

  it('logout ends the session on the platform and removes the file', async () => {
    const home = tempDir('sb-home-');
    await runInProcess(['login', '--url', t.url, '--email', 'alice@example.com', '--password', PASSWORD], { home, cwd: home });
    const { token, workspaceId, workspaceUserId } = rc(home);
    const out = await runInProcess(['logout'], { home, cwd: home });
    expect(out.code).toBe(0);
    expect(() => statSync(join(home, '.switchboardrc'))).toThrow();
    const after = await fetch(`${t.url}/workspaces/${workspaceId}/workspaceUsers/${workspaceUserId}/apps/mine`, { headers: { authtoken: token } });
    expect(after.status).toBe(401);
    expect((await runInProcess(['logout'], { home, cwd: home })).stdout).toContain('You were not signed in.');
  });

  it('a damaged ~/.switchboardrc is reported with the way out', async () => {
    const home = tempDir('sb-home-');
    writeFileSync(join(home, '.switchboardrc'), '{oops');
    const result = await runInProcess(['whoami'], { home, cwd: home });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('switchboard logout');
  });
});

describe('token refresh', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    // Access tokens live 1 s: every command finds its token about to expire.
    t = await startTestPlatform({ personTokenTtlSeconds: 1 });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('refreshes an expiring access token with the refresh token, saves the rotated pair (still 0600) and carries on', async () => {
    const home = tempDir('sb-home-');
    await runInProcess(['login', '--url', t.url, '--email', 'alice@example.com', '--password', PASSWORD], { home, cwd: home });
    const before = rc(home);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const expired = await fetch(`${t.url}/workspaces/${before.workspaceId}/workspaceUsers/${before.workspaceUserId}`, { headers: { authtoken: before.token } });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { code: string }).code).toBe('token_expired');

    const who = await runInProcess(['whoami', '--json'], { home, cwd: home });
    expect(who.stderr).toBe('');
    expect(JSON.parse(who.stdout).email).toBe('alice@example.com');
    const after = rc(home);
    expect(after.token).not.toBe(before.token);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(mode(join(home, '.switchboardrc'))).toBe(0o600);

    // Refresh tokens rotate: the old one is spent (and replaying it ends the session).
    const replay = await fetch(`${t.url}/workspaces/${before.workspaceId}/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: before.refreshToken }),
    });
    expect(replay.status).toBe(400);
    const ended = await runInProcess(['whoami'], { home, cwd: home });
    expect(ended.code).toBe(3);
    expect(ended.stderr).toContain('switchboard login');
  });

  it('two CLI processes holding the same expiring pair do not spend the refresh token twice (which would end the session)', async () => {
    const home = tempDir('sb-home-');
    await runInProcess(['login', '--url', t.url, '--email', 'alice@example.com', '--password', PASSWORD], { home, cwd: home });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const savedHome = process.env.HOME;
    process.env.HOME = home;
    try {
      // Both read the file before either refreshes, like two commands started together.
      const first = ApiClient.forSession(currentSession());
      const second = ApiClient.forSession(currentSession());
      const answers = await Promise.all([people.me(first), people.me(second)]);
      expect(answers.map((me) => me.email)).toEqual(['alice@example.com', 'alice@example.com']);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await people.me(ApiClient.forSession(currentSession()))).email).toBe('alice@example.com');
    } finally {
      process.env.HOME = savedHome;
    }
  });
});
