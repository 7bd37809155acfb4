import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { CliError, ExitCode } from '../api/errors.js';

/** What `switchboard login` keeps between runs. Tokens are secrets: the file is 0600. */
export const StoredCredentials = z.object({
  url: z.string(),
  token: z.string(),
  refreshToken: z.string().optional(),
  workspaceId: z.string(),
  workspaceUserId: z.string(),
  email: z.string().optional(),
});
export type StoredCredentials = z.infer<typeof StoredCredentials>;

/** `~/.switchboardrc`; HOME is read at call time so tests (and sudo users) can point it elsewhere. */
export function rcPath(): string {
  return join(process.env.HOME || homedir(), '.switchboardrc');
}

export function readCredentials(path = rcPath()): StoredCredentials | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError(`${path} is not valid JSON.`, ExitCode.NotSignedIn, 'Run `switchboard logout`, then `switchboard login`.');
  }
  const parsed = StoredCredentials.safeParse(value);
  if (!parsed.success) {
    throw new CliError(`${path} does not hold Switchboard credentials.`, ExitCode.NotSignedIn, 'Run `switchboard logout`, then `switchboard login`.');
  }
  return parsed.data;
}

/** Writes a file only its owner can read, atomically (a crash never leaves half a token). */
export function writePrivateFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  // The mode given to writeFileSync is filtered by the umask; chmod makes it exact.
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

export function writeCredentials(credentials: StoredCredentials, path = rcPath()): void {
  writePrivateFile(path, `${JSON.stringify(credentials, null, 2)}\n`);
}

/** Removes the file; true when there was one. */
export function deleteCredentials(path = rcPath()): boolean {
  try {
    readFileSync(path);
  } catch {
    return false;
  }
  rmSync(path, { force: true });
  return true;
}
