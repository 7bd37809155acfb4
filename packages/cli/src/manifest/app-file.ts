import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CliError, ExitCode } from '../api/errors.js';
import { writePrivateFile } from '../credentials/rc-file.js';

export const APP_FILE = '.switchboard-app.json';

/** The app this folder is registered as, with its secrets (mode 0600, git-ignored). */
export const AppFile = z.object({
  url: z.string(),
  appId: z.string(),
  appKey: z.string(),
  clientSecret: z.string(),
  signingSecret: z.string(),
});
export type AppFile = z.infer<typeof AppFile>;

export function readAppFile(dir = process.cwd()): AppFile | undefined {
  const path = join(dir, APP_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {}
  const parsed = AppFile.safeParse(value);
  if (!parsed.success) throw new CliError(`${path} is damaged.`, ExitCode.Usage, 'Delete it and run `switchboard apps create` again.');
  return parsed.data;
}

export function writeAppFile(app: AppFile, dir = process.cwd()): void {
  writePrivateFile(join(dir, APP_FILE), `${JSON.stringify(app, null, 2)}\n`);
  ignoreInGit(dir);
}

/** Adds the app file to the folder's .gitignore (creating it), so secrets are never committed. */
function ignoreInGit(dir: string): void {
  const path = join(dir, '.gitignore');
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {}
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  if (lines.includes(APP_FILE) || lines.includes(`/${APP_FILE}`)) return;
  writeFileSync(path, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${APP_FILE}\n`);
}
