import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseManifest } from '@switchboard/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { appNames } from '../src/init/app-names.js';
import { spawnCli } from './dev-harness.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Runs the generated app's own test (node:test through tsx), as `npm test` does there. */
function runGeneratedTest(dir: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', TSX, '--test', 'test/app.test.ts'], { cwd: dir, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe('switchboard init', { timeout: 180_000 }, () => {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'sb-init-')));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('names come from the folder', () => {
    expect(appNames('/x/My Cool-Bot')).toEqual({ packageName: 'my-cool-bot', appName: 'my_cool_bot', displayName: 'My Cool Bot' });
    expect(appNames('/x/---', 'Ops Helper')).toEqual({ packageName: 'my-app', appName: 'my_app', displayName: 'Ops Helper' });
  });

  it.each(['echo', 'socket', 'interactive'])('the %s template: a complete app whose own test passes as generated', async (template) => {
    const init = spawnCli(['init', `${template}-bot`, '--template', template], { cwd: base });
    expect((await init.exited).code).toBe(0);
    const dir = join(base, `${template}-bot`);
    expect(init.output()).toContain('npx switchboard dev');

    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe(`${template}-bot`);
    // Run from this checkout, init links the app to its packages (the pack test sees `^version` from an installed CLI).
    expect(pkg.dependencies['@switchboard/sdk']).toBe(`file:${join(ROOT, 'packages', 'sdk')}`);
    expect(pkg.devDependencies['@switchboard/cli']).toBe(`file:${join(ROOT, 'packages', 'cli')}`);
    expect(init.output()).toContain('link to the packages of the checkout');
    const gitignore = readFileSync(join(dir, '.gitignore'), 'utf8');
    for (const entry of ['node_modules/', '.switchboard/', '.switchboard-app.json']) expect(gitignore).toContain(entry);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain(`# ${template[0].toUpperCase()}${template.slice(1)} Bot`);
    const manifest = parseManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
    if (!manifest.ok) throw new Error(JSON.stringify(manifest.errors));
    expect(manifest.manifest.name).toBe(`${template}_bot`);
    expect(manifest.manifest.slashCommands.map((command) => command.command)).toContain('/echo');
    expect(manifest.manifest.eventSubscriptions.events).toContain('NEW_MESSAGE');
    expect(manifest.manifest.socketMode === true).toBe(template === 'socket');
    if (template === 'interactive') expect(manifest.manifest.blockInteraction && manifest.manifest.viewAction).toBeTruthy();

    // The repository's packages stand in for the installed ones (the pack test installs the real tarballs).
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const result = await runGeneratedTest(dir);
    expect(result.output).toMatch(/# pass 2/);
    expect(result.code, result.output).toBe(0);
  });

  it('refuses a folder that is not empty, and asks for a folder when there is no terminal', async () => {
    const again = spawnCli(['init', 'echo-bot'], { cwd: base });
    expect((await again.exited).code).toBe(2);
    expect(again.output()).toMatch(/already exists and is not an empty folder/);
    const noDir = spawnCli(['init'], { cwd: base });
    expect((await noDir.exited).code).toBe(2);
    expect(noDir.output()).toContain('switchboard init my-bot');
  });
});
