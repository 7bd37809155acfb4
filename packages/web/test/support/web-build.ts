import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds the page when its build is missing or older than its sources, so the tests always
 * drive the current code. Test files run in parallel processes: a lock directory lets one build.
 */
export async function ensureWebBuilt(): Promise<void> {
  const index = join(WEB_DIR, 'dist', 'index.html');
  const stale = () => !existsSync(index) || statSync(index).mtimeMs < newestSource(join(WEB_DIR, 'src'));
  if (!stale()) return;
  const lock = join(WEB_DIR, '.build-lock');
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 60_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (stale())
      execFileSync(process.execPath, [join(WEB_DIR, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
        cwd: WEB_DIR,
        stdio: 'inherit',
      });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
