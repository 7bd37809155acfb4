import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, ExitCode } from '../api/errors.js';
import type { AppNames } from './app-names.js';

export const TEMPLATES = ['echo', 'socket', 'interactive'] as const;
export type TemplateName = (typeof TEMPLATES)[number];

/** `templates/` of this package, two levels above both `src/init` and `dist/init`. */
const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));
const PACKAGE_JSON = fileURLToPath(new URL('../../package.json', import.meta.url));

/** npm drops `.gitignore` from published packages, so the template holds it without the dot. */
const RENAMED: Record<string, string> = { gitignore: '.gitignore' };

export interface ScaffoldOptions {
  dir: string;
  template: TemplateName;
  names: AppNames;
}

/** The Switchboard checkout this CLI runs from, when it is not an installed package. */
function checkoutRoot(): string | undefined {
  const root = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: string; workspaces?: unknown };
    return pkg.name === 'switchboard' && Array.isArray(pkg.workspaces) ? root : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a new app depends on: `^` this CLI's version and the SDK and platform it was released
 * with; or, when the CLI runs from a checkout of the repository, `file:` links to that
 * checkout's packages (what the developer is working on, installable without a registry).
 */
function dependencySpecs(): Record<string, string> {
  const root = checkoutRoot();
  if (root) {
    const local = (name: string) => `file:${join(root, 'packages', name)}`;
    return { __CLI_SPEC__: local('cli'), __SDK_SPEC__: local('sdk'), __PLATFORM_SPEC__: local('platform') };
  }
  const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string; dependencies: Record<string, string> };
  const caret = (range: string | undefined) => `^${(range ?? pkg.version).replace(/^[\^~]/, '')}`;
  return {
    __CLI_SPEC__: caret(pkg.version),
    __SDK_SPEC__: caret(pkg.dependencies['@switchboard/sdk']),
    __PLATFORM_SPEC__: caret(pkg.dependencies['@switchboard/platform']),
  };
}

/** Whether `init` links the app to a repository checkout (printed, so nobody is surprised). */
export function linksToCheckout(): string | undefined {
  return checkoutRoot();
}

function filesOf(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesOf(root, join(prefix, entry.name)) : [join(prefix, entry.name)],
  );
}

/**
 * Writes a new app from `templates/shared` plus `templates/<template>`, placeholders filled.
 * Refuses a folder that already has files in it: nothing of the developer's is overwritten.
 * @returns the files written, relative to `dir`
 */
export function scaffold({ dir, template, names }: ScaffoldOptions): string[] {
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) {
    throw new CliError(`${dir} already exists and is not an empty folder.`, ExitCode.Usage, 'Choose a new folder name: switchboard init <new-folder>.');
  }
  const values: Record<string, string> = {
    ...dependencySpecs(),
    __PACKAGE_NAME__: names.packageName,
    __APP_NAME__: names.appName,
    __DISPLAY_NAME__: names.displayName,
  };
  const written: string[] = [];
  for (const source of ['shared', template]) {
    const root = join(TEMPLATES_DIR, source);
    for (const file of filesOf(root)) {
      const target = join(dir, dirname(file), RENAMED[file.split(/[\\/]/).pop() ?? ''] ?? file.split(/[\\/]/).pop() ?? file);
      const text = readFileSync(join(root, file), 'utf8').replace(/__[A-Z_]+__/g, (name) => values[name] ?? name);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
      written.push(relative(dir, target));
    }
  }
  return written.sort();
}
