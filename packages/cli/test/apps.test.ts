import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliEnv, runCli, runInProcess, tempDir } from './support/cli.js';
import { PASSWORD, startTestPlatform, type TestPlatform } from './support/platform.js';

const manifest = (extra: Record<string, unknown> = {}) => ({
  name: 'echo-bot',
  displayName: 'Echo Bot',
  bot: true,
  scopes: { botScopes: ['messages:write'], userScopes: [] },
  shortcuts: [],
  slashCommands: [{ command: '/echo', url: 'http://127.0.0.1:9/slash', description: 'Repeats you' }],
  eventSubscriptions: { url: 'http://127.0.0.1:9/events', events: ['NEW_MESSAGE'] },
  redirectUrls: ['http://127.0.0.1:9/redirect'],
  ...extra,
});

describe('switchboard apps', () => {
  let t: TestPlatform;
  let where: CliEnv;
  beforeAll(async () => {
    t = await startTestPlatform();
    const home = tempDir('sb-home-');
    where = { home, cwd: tempDir('sb-app-') };
    const login = await runInProcess(['login', '--url', t.url, '--email', 'alice@example.com', '--password', PASSWORD], where);
    expect(login.code).toBe(0);
  });
  afterAll(async () => {
    await t.stop();
  });
  const write = (value: unknown, file = 'manifest.json') => writeFileSync(join(where.cwd, file), JSON.stringify(value, null, 2));
  const appFile = () => JSON.parse(readFileSync(join(where.cwd, '.switchboard-app.json'), 'utf8'));

  it('create registers manifest.json, keeps id and secrets in a 0600 .switchboard-app.json and git-ignores it', async () => {
    writeFileSync(join(where.cwd, '.gitignore'), 'node_modules');
    write(manifest());
    const created = await runCli(['apps', 'create'], where);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const file = appFile();
    expect(file).toMatchObject({ url: t.url });
    for (const key of ['appId', 'appKey', 'clientSecret', 'signingSecret']) expect(file[key]).toMatch(/\w{8,}/);
    expect(created.stdout).toContain(file.appId);
    expect(statSync(join(where.cwd, '.switchboard-app.json')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(where.cwd, '.gitignore'), 'utf8')).toBe('node_modules\n.switchboard-app.json\n');

    const again = await runInProcess(['apps', 'create'], where);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('switchboard apps update');
  });

  it('list and show (with --json); secrets only with --show-secrets', async () => {
    const { appId, clientSecret } = appFile();
    const list = await runInProcess(['apps', 'list', '--json'], where);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id: appId, name: 'echo-bot', displayName: 'Echo Bot', published: false })]);
    expect(list.stdout).not.toContain(clientSecret);
    const table = await runInProcess(['apps', 'list'], where);
    expect(table.stdout).toMatch(new RegExp(`${appId}\\s+echo-bot\\s+Echo Bot\\s+no\\s+\\(this folder\\)`));

    const show = await runInProcess(['apps', 'show', '--json'], where);
    expect(JSON.parse(show.stdout)).toMatchObject({ id: appId, slashCommands: [{ command: '/echo' }] });
    expect(show.stdout).not.toContain(clientSecret);
    const secret = await runInProcess(['apps', 'show', appId, '--json', '--show-secrets'], where);
    expect(JSON.parse(secret.stdout).clientSecret).toBe(clientSecret);
  });

  it('update prints what changed, field by field, and nothing when nothing did', async () => {
    write(
      manifest({
        displayName: 'Echo Bot 2',
        slashCommands: [
          { command: '/echo', url: 'http://127.0.0.1:9/slash', description: 'Repeats you, louder' },
          { command: '/ping', url: 'http://127.0.0.1:9/slash' },
        ],
        scopes: { botScopes: ['messages:write', 'messages:read'], userScopes: [] },
      }),
    );
    const dry = await runInProcess(['apps', 'update', '--dry-run'], where);
    expect(dry.stdout).toContain('not sent (--dry-run)');
    const update = await runInProcess(['apps', 'update'], where);
    expect(update.code).toBe(0);
    const lines = update.stdout.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        '~ displayName: Echo Bot → Echo Bot 2',
        '+ scopes.botScopes: messages:read',
        '~ slashCommands[/echo].description: Repeats you → Repeats you, louder',
        '+ slashCommands[/ping]',
      ]),
    );
    expect(lines.at(-1)).toMatch(/Updated \w+: 4 change\(s\)\./);
    const show = JSON.parse((await runInProcess(['apps', 'show', '--json'], where)).stdout);
    expect(show.displayName).toBe('Echo Bot 2');
    expect((await runInProcess(['apps', 'update'], where)).stdout).toContain('No changes');

    const json = JSON.parse((await runInProcess(['apps', 'update', '--json'], where)).stdout);
    expect(json).toMatchObject({ applied: false, changes: [] });
  });

  it('an invalid manifest is refused before anything is sent, each error with its JSON path (exit 2)', async () => {
    write({ ...manifest(), name: 'bad name', slashCommands: [{ command: 'echo', url: 'ftp://x' }], bot: 'yes' }, 'bad.json');
    const result = await runCli(['apps', 'update', '--manifest', 'bad.json'], where);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bad.json is not a valid manifest');
    expect(result.stderr).toContain('  name: must be a slug');
    expect(result.stderr).toContain('  bot: must be a boolean');
    expect(result.stderr).toMatch(/ {2}slashCommands\[0\]\.command: /);
    expect(result.stderr).toMatch(/ {2}slashCommands\[0\]\.url: /);
    writeFileSync(join(where.cwd, 'broken.json'), '{"name": ');
    const broken = await runInProcess(['apps', 'create', '--manifest', 'broken.json', '--force'], where);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('$: is not valid JSON');
    const missing = await runInProcess(['apps', 'update', '--manifest', 'nope.json'], where);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('There is no nope.json here.');
  });

  it('a usage error commander finds (a bad choice) exits 2 like ours; --help exits 0', async () => {
    const bad = await runCli(['apps', 'rotate-secret', '--secret', 'nope'], where);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Allowed choices are appKey, clientSecret, signingSecret');
    const help = await runCli(['apps', 'update', '--help'], where);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--dry-run');
  });

  it('--host resolves a pumble-cli style manifest (relative URLs, events as objects); without it the error says so', async () => {
    const pumbleStyle = {
      ...manifest({ displayName: 'Echo Bot 2' }),
      slashCommands: [
        { command: '/echo', url: '/hook', description: 'Repeats you, louder' },
        { command: '/ping', url: '/hook' },
      ],
      scopes: { botScopes: ['messages:write', 'messages:read'], userScopes: [] },
      eventSubscriptions: { url: '/hook', events: [{ name: 'NEW_MESSAGE', options: {} }] },
      redirectUrls: ['/redirect'],
    };
    write(pumbleStyle, 'pumble.json');
    const refused = await runInProcess(['apps', 'update', '--manifest', 'pumble.json', '--dry-run'], where);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('pass --host');
    const dry = await runInProcess(['apps', 'update', '--manifest', 'pumble.json', '--host', 'http://127.0.0.1:9', '--dry-run', '--json'], where);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).changes).toEqual([
      { path: 'slashCommands[/echo].url', action: 'changed', before: 'http://127.0.0.1:9/slash', after: 'http://127.0.0.1:9/hook' },
      { path: 'slashCommands[/ping].url', action: 'changed', before: 'http://127.0.0.1:9/slash', after: 'http://127.0.0.1:9/hook' },
      { path: 'eventSubscriptions.url', action: 'changed', before: 'http://127.0.0.1:9/events', after: 'http://127.0.0.1:9/hook' },
    ]);
  });

  it('rotate-secret gives new secrets and updates .switchboard-app.json (one secret with --secret)', async () => {
    const before = appFile();
    const one = await runInProcess(['apps', 'rotate-secret', '--secret', 'signingSecret'], where);
    expect(one.code).toBe(0);
    const mid = appFile();
    expect(mid.signingSecret).not.toBe(before.signingSecret);
    expect(mid.appKey).toBe(before.appKey);
    const all = JSON.parse((await runInProcess(['apps', 'rotate-secret', '--json'], where)).stdout);
    const after = appFile();
    expect(after).toMatchObject({ appKey: all.appKey, clientSecret: all.clientSecret, signingSecret: all.signingSecret });
    expect(after.clientSecret).not.toBe(mid.clientSecret);
    const shown = JSON.parse((await runInProcess(['apps', 'show', '--json', '--show-secrets'], where)).stdout);
    expect(shown.clientSecret).toBe(after.clientSecret);
  });

  it("someone else's app is not found (exit 4); delete needs --yes without a terminal, then removes the app and the file", async () => {
    const bobHome = tempDir('sb-home-');
    const bob = { home: bobHome, cwd: bobHome };
    await runInProcess(['login', '--url', t.url, '--email', 'bob@example.com', '--password', PASSWORD], bob);
    const { appId } = appFile();
    const notBobs = await runInProcess(['apps', 'show', appId], bob);
    expect(notBobs.code).toBe(4);

    const refused = await runInProcess(['apps', 'delete'], where);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    const deleted = await runInProcess(['apps', 'delete', '--yes'], where);
    expect(deleted.code).toBe(0);
    expect(() => statSync(join(where.cwd, '.switchboard-app.json'))).toThrow();
    expect(JSON.parse((await runInProcess(['apps', 'list', '--json'], where)).stdout)).toEqual([]);
    const gone = await runInProcess(['apps', 'show', appId], where);
    expect(gone.code).toBe(4);
    const which = await runInProcess(['apps', 'show'], where);
    expect(which.code).toBe(2);
    expect(which.stderr).toContain('switchboard apps list');
  });
});
