import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError, ExitCode } from '../api/errors.js';

/** How the app process is started. */
export interface AppLaunch {
  command: string;
  args: string[];
  /** `--command` runs through the shell, as typed. */
  shell: boolean;
  /** For the terminal: `tsx src/main.ts`, `node app.js`. */
  label: string;
}

/** Tried in order when no `--command` is given. */
const ENTRY_CANDIDATES = ['src/main.ts', 'src/index.ts', 'main.ts', 'index.ts', 'src/main.js', 'src/index.js', 'main.js', 'index.js', 'app.js'];
const TYPESCRIPT = /\.(c|m)?tsx?$/;

function packageMain(dir: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { main?: unknown };
    return typeof pkg.main === 'string' && existsSync(join(dir, pkg.main)) ? pkg.main : undefined;
  } catch {
    return undefined;
  }
}

/** tsx's loader as a file URL: the app may not depend on tsx itself; the CLI does, for this only. */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

/**
 * The app's entry (`src/main.ts`, `index.ts`, … or package.json `main`), TypeScript run through
 * tsx; or the `--command` given, run by the shell.
 */
export function appLaunch(dir: string, command?: string): AppLaunch {
  if (command) return { command, args: [], shell: true, label: command };
  const entry = ENTRY_CANDIDATES.find((candidate) => existsSync(join(dir, candidate))) ?? packageMain(dir);
  if (!entry) {
    throw new CliError(
      `No app entry in ${dir} (looked for ${ENTRY_CANDIDATES.join(', ')} and package.json "main").`,
      ExitCode.Usage,
      'Create src/main.ts, or say how to start the app: switchboard dev --command "node app.js".',
    );
  }
  const node = [process.execPath, '--enable-source-maps'];
  if (TYPESCRIPT.test(entry)) return { command: node[0], args: [...node.slice(1), '--import', tsxLoader(), entry], shell: false, label: `tsx ${entry}` };
  return { command: node[0], args: [...node.slice(1), entry], shell: false, label: `node ${entry}` };
}
