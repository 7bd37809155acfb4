import { type FSWatcher, readdirSync, watch } from 'node:fs';
import { join } from 'node:path';

/** Not the app's source: dependencies, build output, dev's own state. */
const IGNORED_DIRS = new Set(['node_modules', '.switchboard', '.git', 'dist', 'build', 'coverage', '.turbo', '.cache']);
const SOURCE_FILE = /\.(c|m)?(t|j)sx?$|\.json$|^\.env/;
/** Written by tools, not by the developer: restarting on them would loop. */
const IGNORED_FILES = new Set(['package-lock.json', 'tokens.json', '.switchboard-app.json']);
const DEBOUNCE_MS = 150;

export interface WatchHandlers {
  /** A source file changed (the last one named); restart the app. */
  onSource(file: string): void;
  /** manifest.json changed; sync it. */
  onManifest(): void;
}

/**
 * Watches the app folder: its top level, and each top-level folder recursively except
 * node_modules and build output (a recursive watch of node_modules costs thousands of inotify
 * watches). Bursts of events (an editor's save writes, renames, chmods) become one call.
 * @returns a function that stops watching
 */
export function watchAppFolder(dir: string, handlers: WatchHandlers): () => void {
  const watchers: FSWatcher[] = [];
  let sourceTimer: NodeJS.Timeout | undefined;
  let manifestTimer: NodeJS.Timeout | undefined;
  let lastSource = '';
  const source = (file: string) => {
    const name = file.split(/[\\/]/).pop() ?? file;
    if (!SOURCE_FILE.test(name) || IGNORED_FILES.has(name) || file.split(/[\\/]/).some((part) => IGNORED_DIRS.has(part))) return;
    lastSource = file;
    clearTimeout(sourceTimer);
    sourceTimer = setTimeout(() => handlers.onSource(lastSource), DEBOUNCE_MS);
  };
  const top = watch(dir, (_event, file) => {
    if (!file) return;
    if (file === 'manifest.json') {
      clearTimeout(manifestTimer);
      manifestTimer = setTimeout(() => handlers.onManifest(), DEBOUNCE_MS);
    } else source(file);
  });
  watchers.push(top);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || IGNORED_DIRS.has(entry.name)) continue;
    const sub = watch(join(dir, entry.name), { recursive: true }, (_event, file) => file && source(join(entry.name, file)));
    watchers.push(sub);
  }
  for (const watcher of watchers) watcher.on('error', () => {});
  return () => {
    clearTimeout(sourceTimer);
    clearTimeout(manifestTimer);
    for (const watcher of watchers) watcher.close();
  };
}
