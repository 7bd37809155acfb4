import { rmSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { rcPath } from './rc-file.js';

/** A lock older than this was left by a process that died mid-refresh. */
const STALE_MS = 30_000;
const WAIT_MS = 10_000;

/**
 * Runs `work` while holding `~/.switchboardrc.lock`, so two `switchboard` processes never spend
 * the same refresh token: refresh tokens rotate, and the platform ends the whole session when a
 * spent one comes back (reuse detection). The second process then finds the rotated pair saved.
 */
export async function withRefreshLock<T>(work: () => Promise<T>): Promise<T> {
  const lock = `${rcPath()}.lock`;
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStale(lock) || Date.now() > deadline) rmSync(lock, { force: true });
      else await sleep(50);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}

function isStale(lock: string): boolean {
  try {
    return Date.now() - statSync(lock).mtimeMs > STALE_MS;
  } catch {
    return false;
  }
}
