import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CliError, ExitCode } from '../api/errors.js';

/** The app `switchboard dev` runs: a folder with a manifest.json. */
export interface AppFolder {
  dir: string;
  manifestPath: string;
  /** Where the embedded platform's store, the dev state and the install's tokens live. */
  stateDir: string;
}

/** At the repository root, `switchboard dev` runs this example (the README's first command). */
export const ROOT_EXAMPLE = join('examples', 'echo-bot');

function isSwitchboardRepository(dir: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; workspaces?: unknown };
    return pkg.name === 'switchboard' && Array.isArray(pkg.workspaces);
  } catch {
    return false;
  }
}

const folder = (dir: string): AppFolder => ({ dir, manifestPath: join(dir, 'manifest.json'), stateDir: join(dir, '.switchboard') });

/**
 * The current folder when it holds a manifest.json; the echo-bot example at the root of this
 * repository; else an error that says what to do.
 */
export function findAppFolder(cwd: string): AppFolder {
  if (existsSync(join(cwd, 'manifest.json'))) return folder(cwd);
  const example = join(cwd, ROOT_EXAMPLE);
  if (isSwitchboardRepository(cwd) && existsSync(join(example, 'manifest.json'))) return folder(example);
  throw new CliError(
    `There is no manifest.json in ${relative(process.cwd(), cwd) || 'this folder'}.`,
    ExitCode.Usage,
    'Run `switchboard dev` in your app folder, or create one with `switchboard init my-bot`.',
  );
}
