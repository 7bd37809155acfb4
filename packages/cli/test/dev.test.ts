import { copyFileSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAppFolder } from '../src/dev/app-folder.js';
import { appNames } from '../src/init/app-names.js';
import { scaffold } from '../src/init/scaffold.js';
import { ChatPerson, isListening, processesIn, type RunningCli, spawnCli } from './dev-harness.js';
import { PASSWORD, startTestPlatform } from './support/platform.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'echo-bot');

/** A copy of examples/echo-bot outside the repository, resolving packages from the repository's node_modules. */
function copyOfEchoBot(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sb-dev-')));
  for (const file of ['index.ts', 'manifest.json']) copyFileSync(join(EXAMPLE, file), join(dir, file));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'echo-bot-copy', private: true, type: 'module' }));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

describe('switchboard dev', () => {
  it('at the repository root it runs examples/echo-bot', () => {
    expect(findAppFolder(ROOT).dir).toBe(EXAMPLE);
    expect(() => findAppFolder(tmpdir())).toThrow(/no manifest\.json/i);
  });

  // Each step waits for an app restart through tsx: generous on a loaded machine.
  describe('in an app folder: one command to a bot that answers, edits applied live, Ctrl-C leaves nothing', { timeout: 120_000 }, () => {
    let dir: string;
    let dev: RunningCli;
    let alice: ChatPerson;
    let general: string;
    const ports: number[] = [];

    beforeAll(async () => {
      dir = copyOfEchoBot();
      dev = spawnCli(['dev', '--port', '0'], { cwd: dir });
      const [, platformUrl] = await dev.waitFor(/Platform {2}(http:\/\/\S+)/, 90_000);
      const [, appPort, tapUrl] = await dev.waitFor(/on port (\d+); the platform delivers to (http:\/\/\S+)/);
      ports.push(Number(new URL(platformUrl).port), Number(appPort), Number(new URL(tapUrl).port));
      const [, link] = await dev.waitFor(/Chat {6}(http:\/\/\S+)/);
      await dev.waitFor(/Ready\./);
      alice = await ChatPerson.fromLink(link);
      general = await alice.channelId('general');
    }, 120_000);

    afterAll(async () => {
      if (dev && dev.child.exitCode === null) dev.child.kill('SIGKILL');
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('registers from manifest.json without rewriting it, and /echo hi is answered; the delivery is printed', async () => {
      expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe(readFileSync(join(EXAMPLE, 'manifest.json'), 'utf8'));
      expect(dev.output()).toMatch(/Registered Echo Bot \(\w+\) from manifest\.json/);
      expect(dev.output()).toMatch(/\/echo → http:\/\/127\.0\.0\.1:\d+\/slash/);
      const posted = await alice.post(general, '/echo hi');
      expect(posted.body.outcome).toBe('acked');
      await alice.waitForText(general, 'hi');
      await dev.waitFor(/← SLASH_COMMAND \/echo hi\s+200\s+[\d.]+ ms/);
    });

    it('saving a source file restarts the app with the change', async () => {
      const from = dev.output().length;
      const source = join(dir, 'index.ts');
      // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source written into the app
      const edited = readFileSync(source, 'utf8').replace('await ctx.say(ctx.payload.text);', 'await ctx.say(`echo: ${ctx.payload.text}`);');
      writeFileSync(source, edited);
      await dev.waitFor(/index\.ts changed: restarting the app/, 30_000, from);
      await dev.waitFor(/Echo Bot listening on/, 60_000, from);
      expect((await alice.post(general, '/echo again')).body.outcome).toBe('acked');
      await alice.waitForText(general, 'echo: again');
    });

    it('a command added to manifest.json is synced and works once the app handles it', async () => {
      let from = dev.output().length;
      const manifestPath = join(dir, 'manifest.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      manifest.slashCommands.push({ command: '/shout', url: 'http://localhost:3000/slash', description: 'Shouts' });
      writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
      await dev.waitFor(/\+ slashCommands\[\/shout\]/, 30_000, from);
      await dev.waitFor(/Echo Bot listening on/, 60_000, from);
      from = dev.output().length;
      const source = join(dir, 'index.ts');
      const withShout = readFileSync(source, 'utf8').replace(
        "createApp({ manifest, ...options }).command('/echo'",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source written into the app
        "createApp({ manifest, ...options }).command('/shout', async (ctx) => { ctx.ack(); await ctx.say(`${ctx.payload.text.toUpperCase()}!`); }).command('/echo'",
      );
      writeFileSync(source, withShout);
      await dev.waitFor(/Echo Bot listening on/, 60_000, from);
      expect((await alice.post(general, '/shout hey')).body.outcome).toBe('acked');
      await alice.waitForText(general, 'HEY!');
      expect(JSON.parse(readFileSync(manifestPath, 'utf8')).slashCommands[1].url).toBe('http://localhost:3000/slash');
    });

    it('Ctrl-C stops the app, the tap and the platform: exit 0, no port bound, no process left', async () => {
      expect(processesIn(dir).length).toBeGreaterThan(0);
      dev.child.kill('SIGINT');
      const { code } = await dev.exited;
      expect(code).toBe(0);
      for (const port of ports) expect(await isListening(port)).toBe(false);
      expect(processesIn(dir)).toEqual([]);
    });

    it('a second run reuses the registration and the install (the app boots alongside the platform) and still answers', async () => {
      const again = spawnCli(['dev', '--port', '0'], { cwd: dir });
      try {
        const [, link] = await again.waitFor(/Chat {6}(http:\/\/\S+)/, 90_000);
        await again.waitFor(/Ready\./);
        expect(again.output()).not.toMatch(/Registered|Installed|restarting the app/);
        const person = await ChatPerson.fromLink(link);
        expect((await person.post(general, '/shout again')).body.outcome).toBe('acked');
        await person.waitForText(general, 'AGAIN!');
      } finally {
        again.child.kill('SIGINT');
        expect((await again.exited).code).toBe(0);
      }
      expect(processesIn(dir)).toEqual([]);
    });

    it('with its state file gone, dev adopts the app the platform kept instead of registering a second one', async () => {
      rmSync(join(dir, '.switchboard', 'dev-app.json'));
      const again = spawnCli(['dev', '--port', '0'], { cwd: dir });
      try {
        const [, link] = await again.waitFor(/Chat {6}(http:\/\/\S+)/, 90_000);
        await again.waitFor(/Ready\./);
        expect(again.output()).not.toMatch(/Registered/);
        const person = await ChatPerson.fromLink(link);
        expect((await person.post(general, '/echo adopted')).body.outcome).toBe('acked');
        await person.waitForText(general, 'echo: adopted');
        expect(existsSync(join(dir, '.switchboard', 'dev-app.json'))).toBe(true);
      } finally {
        again.child.kill('SIGINT');
        expect((await again.exited).code).toBe(0);
      }
    });
  });

  it('--platform runs the same loop against a remote Switchboard, signed in with SWITCHBOARD_TOKEN', { timeout: 120_000 }, async () => {
    const remote = await startTestPlatform();
    const dir = copyOfEchoBot();
    try {
      const login = await fetch(`${remote.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'alice@example.com', password: PASSWORD }),
      });
      const { token } = (await login.json()) as { token: string };
      const dev = spawnCli(['dev', '--platform', remote.url], { cwd: dir, env: { HOME: dir, SWITCHBOARD_TOKEN: token, SWITCHBOARD_URL: remote.url } });
      try {
        const [, link] = await dev.waitFor(/Chat {6}(http:\/\/\S+)/, 90_000);
        await dev.waitFor(/Ready\./);
        expect(dev.output()).toContain(`Platform  ${remote.url} (remote)`);
        expect(JSON.parse(readFileSync(join(dir, '.switchboard-app.json'), 'utf8')).url).toBe(remote.url);
        const person = await ChatPerson.fromLink(link);
        const general = await person.channelId('general');
        expect((await person.post(general, '/echo remote')).body.outcome).toBe('acked');
        await person.waitForText(general, 'remote');
      } finally {
        dev.child.kill('SIGINT');
        expect((await dev.exited).code).toBe(0);
      }
      // The remote platform is not dev's to stop.
      expect((await fetch(`${remote.url}/healthz`)).status).toBe(200);
      expect(processesIn(dir)).toEqual([]);
    } finally {
      await remote.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a socket-mode app (init --template socket) runs the same way, over its socket', { timeout: 120_000 }, async () => {
    const dir = join(realpathSync(mkdtempSync(join(tmpdir(), 'sb-dev-socket-'))), 'sock-bot');
    scaffold({ dir, template: 'socket', names: appNames(dir) });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const dev = spawnCli(['dev', '--port', '0'], { cwd: dir });
    try {
      const [, link] = await dev.waitFor(/Chat {6}(http:\/\/\S+)/, 90_000);
      await dev.waitFor(/Ready\./);
      await dev.waitFor(/connected to \S+ over its socket/, 60_000);
      expect(dev.output()).toContain('socket mode');
      const person = await ChatPerson.fromLink(link);
      const general = await person.channelId('general');
      expect((await person.post(general, '/echo over the socket')).body.outcome).toBe('acked');
      await person.waitForText(general, 'over the socket');
      // No proxy sees socket traffic: the embedded platform's feed reports it.
      await dev.waitFor(/← SLASH_COMMAND \/echo over the socket\s+200/);
      await person.post(general, 'ping');
      await dev.waitFor(/← PUMBLE_EVENT NEW_MESSAGE\s+200/);
    } finally {
      dev.child.kill('SIGINT');
      expect((await dev.exited).code).toBe(0);
      expect(processesIn(dir)).toEqual([]);
      rmSync(dirname(dir), { recursive: true, force: true });
    }
  });

  it('a port in use is an error that says to use --port', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    const dir = copyOfEchoBot();
    try {
      const dev = spawnCli(['dev', '--port', String(port)], { cwd: dir });
      const { code } = await dev.exited;
      expect(code).toBe(2);
      expect(dev.output()).toMatch(new RegExp(`Port ${port} is already in use`));
      expect(dev.output()).toContain('--port');
      expect(processesIn(dir)).toEqual([]);
    } finally {
      busy.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
