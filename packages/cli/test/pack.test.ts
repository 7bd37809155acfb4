import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonFileTokenStore } from '@switchboard/sdk';
import { freePort } from '@switchboard/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatPerson, isListening, processesIn, spawnCli } from './dev-harness.js';

/**
 * The packages as npm users get them: packed into tarballs, installed into folders outside the
 * repository, run with plain node. Slow (npm, a fresh install, two platforms, app restarts), so
 * one file with generous timeouts; skipped only when `npm pack` itself cannot run.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..');
const PACKAGES = ['protocol', 'sdk', 'platform', 'relay', 'cli', 'web'];
/** better-sqlite3 compiles from source here (minutes): its built copy in the repository is reused. */
const NATIVE = ['better-sqlite3', 'bindings', 'file-uri-to-path'];
const PASSWORD = 'pack-test-password-1';

interface Run {
  code: number;
  output: string;
}

function run(command: string, args: string[], cwd: string, timeoutMs = 600_000, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: timeoutMs, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

/** Environment for commands in the installed folders: nothing of this repository's test run leaks in. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('SWITCHBOARD_') && !key.startsWith('VITEST') && key !== 'NODE_OPTIONS') env[key] = value;
  return { ...env, NO_COLOR: '1', ...extra };
}

function seedNativeModules(dir: string): void {
  for (const name of NATIVE) {
    const source = join(ROOT, 'node_modules', name);
    if (existsSync(source)) cpSync(source, join(dir, 'node_modules', name), { recursive: true });
  }
}

async function npmInstall(dir: string, tarballs: string[]): Promise<Run> {
  seedNativeModules(dir);
  return run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs], dir, 900_000, cleanEnv());
}

describe('packed packages, installed outside the repository', { timeout: 600_000 }, () => {
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'sb-pack-')));
  const tarballDir = join(work, 'tarballs');
  const proof = join(work, 'proof');
  let tarballs: string[] = [];
  let packError: string | undefined;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    mkdirSync(tarballDir);
    let began = Date.now();
    const packed = await run('npm', ['pack', ...PACKAGES.flatMap((name) => ['-w', `packages/${name}`]), '--pack-destination', tarballDir], ROOT, 300_000);
    if (packed.code !== 0) {
      packError = packed.output;
      return;
    }
    timings.pack = Date.now() - began;
    tarballs = readdirSync(tarballDir).map((file) => join(tarballDir, file));
    mkdirSync(join(proof, 'node_modules'), { recursive: true });
    writeFileSync(join(proof, 'package.json'), JSON.stringify({ name: 'pack-proof', private: true, type: 'module' }));
    began = Date.now();
    const installed = await npmInstall(proof, tarballs);
    timings.install = Date.now() - began;
    if (installed.code !== 0) throw new Error(`npm install of the tarballs failed:\n${installed.output}`);
  }, 1_200_000);

  afterAll(() => {
    console.log(`[pack test] timings (ms): ${JSON.stringify(timings)}`);
    rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it('npm pack made a tarball of every package, with compiled JavaScript and no tests', async (context) => {
    if (packError) context.skip(`npm pack is not possible here: ${packError}`);
    expect(tarballs.map((file) => file.split('/').pop()).sort()).toEqual(PACKAGES.map((name) => `switchboard-${name}-0.1.0.tgz`).sort());
    const listing = await run('tar', ['-tzf', join(tarballDir, 'switchboard-cli-0.1.0.tgz')], work);
    expect(listing.output).toContain('package/dist/index.js');
    expect(listing.output).toContain('package/templates/echo/manifest.json');
    expect(listing.output).toContain('package/templates/shared/gitignore');
    expect(listing.output).not.toMatch(/package\/(src|dist)\/\S*\.test\.(ts|js)/);
  });

  it('a plain-JavaScript echo bot runs with plain node against `npx switchboard serve`; @switchboard/sdk/testing works from plain node', async (context) => {
    if (packError) context.skip('npm pack is not possible here');
    // The bot listens on loopback, which a platform reaches only with --allow-private-targets.
    const serve = spawnCli(['serve', '--port', '0', '--data-dir', join(proof, '.data'), '--allow-private-targets'], {
      cwd: proof,
      via: 'npx',
      env: { SWITCHBOARD_DEMO_PASSWORD: PASSWORD },
    });
    const bots: ReturnType<typeof spawnCli>[] = [];
    try {
      const [, url] = await serve.waitFor(/listening on (http:\/\/\S+)/, 120_000);
      // Alice registers and installs the bot through the Pumble management API, as a CLI would.
      const login = (await (
        await fetch(`${url}/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'alice@example.com', password: PASSWORD }),
        })
      ).json()) as { token: string; workspaceId: string; workspaceUserId: string };
      const asAlice = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(`${url}${path}`, {
          method,
          headers: { authtoken: login.token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return (await response.json()) as Record<string, unknown>;
      };
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const manifest = {
        name: 'plain_bot',
        displayName: 'Plain Bot',
        bot: true,
        scopes: { botScopes: ['messages:read', 'messages:write'], userScopes: [] },
        shortcuts: [],
        slashCommands: [{ command: '/echo', url: `${base}/slash`, description: 'Echo' }],
        eventSubscriptions: { url: `${base}/events`, events: [] },
        redirectUrls: [`${base}/redirect`],
      };
      writeFileSync(join(proof, 'manifest.json'), JSON.stringify(manifest));
      copyFileSync(join(import.meta.dirname, 'fixtures', 'plain-echo-bot.mjs'), join(proof, 'bot.mjs'));
      const owner = `/workspaces/${login.workspaceId}/workspaceUsers/${login.workspaceUserId}`;
      const app = (await asAlice('POST', `${owner}/apps`, manifest)) as { id: string; appKey: string; clientSecret: string; signingSecret: string };
      const grant = new URLSearchParams({
        clientId: app.id,
        scopes: 'bot:messages:read,bot:messages:write',
        redirectUrl: `${base}/redirect`,
        isReinstall: 'false',
      });
      const { code } = (await asAlice('GET', `${owner}/oauth2/grant?${grant}`)) as { code: string };
      const exchanged = await fetch(`${url}/oauth2/access`, {
        method: 'POST',
        body: new URLSearchParams({ 'client-id': app.id, 'client-secret': app.clientSecret, code }),
      });
      const tokens = (await exchanged.json()) as { botId: string; workspaceId: string; accessToken: string; userId: string; botToken: string };
      const tokenFile = join(proof, 'tokens.json');
      const store = new JsonFileTokenStore(tokenFile);
      await store.initialize();
      await store.saveTokens(tokens);
      const channels = (await (await fetch(`${url}/v1/channels`, { headers: { authtoken: login.token } })).json()) as {
        channel: { id: string; name: string };
      }[];
      const general = channels.find((entry) => entry.channel.name === 'general')?.channel.id ?? '';
      await asAlice('POST', `/v1/channels/${general}/users`, { userIds: [tokens.botId] });

      const plain = spawnCli(['bot.mjs'], {
        cwd: proof,
        via: 'node',
        env: {
          SWITCHBOARD_API_URL: url,
          SWITCHBOARD_APP_KEY: app.appKey,
          SWITCHBOARD_SIGNING_SECRET: app.signingSecret,
          SWITCHBOARD_TOKEN_FILE: tokenFile,
          PORT: String(port),
        },
      });
      bots.push(plain);
      await plain.waitFor(/plain bot listening on/, 60_000);
      const answered = await asAlice('POST', `/v1/channels/${general}/messages`, { text: '/echo from plain node' });
      expect(answered.outcome).toBe('acked');
      const deadline = Date.now() + 15_000;
      let said = false;
      while (!said && Date.now() < deadline) {
        const page = (await asAlice('GET', `/v1/channels/${general}/messages?limit=20`)) as { messages: { author: string; text: string }[] };
        said = page.messages.some((message) => message.author === tokens.botId && message.text === 'from plain node');
        if (!said) await new Promise((r) => setTimeout(r, 100));
      }
      expect(said).toBe(true);

      copyFileSync(join(import.meta.dirname, 'fixtures', 'plain-test-kit.mjs'), join(proof, 'kit.mjs'));
      const kit = await run(process.execPath, ['kit.mjs'], proof, 120_000, cleanEnv());
      expect(kit.output).toContain('test kit OK: kit: hello');
      expect(kit.code).toBe(0);
    } finally {
      for (const bot of bots) bot.child.kill('SIGTERM');
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });

  it('switchboard init my-bot → npm install from the tarballs → npm test → switchboard dev: /echo answered, edits live, Ctrl-C leaves nothing', async (context) => {
    if (packError) context.skip('npm pack is not possible here');
    const bot = join(work, 'my-bot');
    let began = Date.now();
    const init = spawnCli(['init', bot], { cwd: proof, via: 'npx' });
    expect((await init.exited).code, init.output()).toBe(0);
    const generated = JSON.parse(readFileSync(join(bot, 'package.json'), 'utf8'));
    expect(generated.dependencies['@switchboard/sdk']).toBe('^0.1.0');
    expect(generated.devDependencies['@switchboard/cli']).toBe('^0.1.0');
    // The proof folder's install (same tarballs) stands in for the npm cache of a second install.
    cpSync(join(proof, 'node_modules'), join(bot, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    const installed = await npmInstall(bot, tarballs);
    expect(installed.code, installed.output).toBe(0);
    timings.initAndInstall = Date.now() - began;
    const tested = await run('npm', ['test'], bot, 300_000, cleanEnv());
    expect(tested.output).toMatch(/# pass 2/);
    expect(tested.code, tested.output).toBe(0);

    began = Date.now();
    const dev = spawnCli(['dev', '--port', '0'], { cwd: bot, via: 'npx', group: true });
    try {
      const [, platformUrl] = await dev.waitFor(/Platform {2}(http:\/\/\S+)/, 120_000);
      const [, appPort, tapUrl] = await dev.waitFor(/on port (\d+); the platform delivers to (http:\/\/\S+)/);
      const [, link] = await dev.waitFor(/Chat {6}(http:\/\/\S+)/);
      await dev.waitFor(/Ready\./);
      await dev.waitFor(/My Bot is listening on/, 60_000);
      const alice = await ChatPerson.fromLink(link);
      const general = await alice.channelId('general');
      expect((await alice.post(general, '/echo hi')).body.outcome).toBe('acked');
      await alice.waitForText(general, 'hi');
      timings.devToFirstReply = Date.now() - began;
      await dev.waitFor(/← SLASH_COMMAND \/echo hi\s+200/);

      const appFile = join(bot, 'src', 'app.ts');
      let from = dev.output().length;
      // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source written into the app
      writeFileSync(appFile, readFileSync(appFile, 'utf8').replace('await ctx.say(ctx.payload.text);', 'await ctx.say(`echo: ${ctx.payload.text}`);'));
      await dev.waitFor(/app\.ts changed: restarting the app/, 30_000, from);
      await dev.waitFor(/My Bot is listening on/, 60_000, from);
      expect((await alice.post(general, '/echo again')).body.outcome).toBe('acked');
      await alice.waitForText(general, 'echo: again');

      from = dev.output().length;
      const manifestFile = join(bot, 'manifest.json');
      const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
      manifest.slashCommands.push({ command: '/shout', url: 'http://localhost:3000/slash', description: 'Shouts' });
      writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
      await dev.waitFor(/\+ slashCommands\[\/shout\]/, 30_000, from);
      await dev.waitFor(/My Bot is listening on/, 60_000, from);
      from = dev.output().length;
      const shout =
        // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source written into the app
        ".command('/shout', async (ctx) => {\n        ctx.ack();\n        await ctx.say(`${ctx.payload.text.toUpperCase()}!`);\n      })\n      .command('/echo'";
      writeFileSync(appFile, readFileSync(appFile, 'utf8').replace(".command('/echo'", shout));
      await dev.waitFor(/My Bot is listening on/, 60_000, from);
      expect((await alice.post(general, '/shout hey')).body.outcome).toBe('acked');
      await alice.waitForText(general, 'HEY!');

      dev.interrupt();
      await dev.exited;
      const ports = [Number(new URL(platformUrl).port), Number(appPort), Number(new URL(tapUrl).port)];
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && processesIn(bot).length > 0) await new Promise((r) => setTimeout(r, 200));
      expect(processesIn(bot)).toEqual([]);
      for (const port of ports) expect(await isListening(port)).toBe(false);
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- switchboard dev output ---\n${dev.output()}`);
    } finally {
      if (dev.child.exitCode === null) dev.child.kill('SIGKILL');
      for (const pid of processesIn(bot)) process.kill(pid, 'SIGKILL');
    }
  });
});
