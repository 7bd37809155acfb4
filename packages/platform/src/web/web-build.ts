import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The built chat page (`@switchboard/web`'s `dist/`), or why it cannot be served. */
export type WebBuild = { ok: true; dir: string; indexHtml: string; stylesheets: string[] } | { ok: false; problem: string };

const BUILD_HINT = 'Build it with `npm run build -w packages/web` (the root `npm install` does it too).';

let located: WebBuild | undefined;

/** `locateWebBuild`, remembered once found (a missing build is looked for again: it may be built meanwhile). */
export function webBuild(): WebBuild {
  if (located?.ok) return located;
  located = locateWebBuild();
  return located;
}

/** Finds `@switchboard/web`'s build through the package (so it works from a workspace and from node_modules alike). */
export function locateWebBuild(): WebBuild {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('@switchboard/web/package.json'));
  } catch {
    return { ok: false, problem: `The chat page package @switchboard/web is not installed. ${BUILD_HINT}` };
  }
  const dir = join(packageDir, 'dist');
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return { ok: false, problem: `The chat page has not been built (no ${index}). ${BUILD_HINT}` };
  return { ok: true, dir, indexHtml: readFileSync(index, 'utf8'), stylesheets: stylesheetsOf(dir) };
}

/** The hashed CSS files of the page (Vite's manifest), which the server-rendered pages share. */
function stylesheetsOf(dir: string): string[] {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, '.vite', 'manifest.json'), 'utf8')) as Record<string, { isEntry?: boolean; css?: string[] }>;
    return Object.values(manifest)
      .flatMap((chunk) => (chunk.isEntry ? (chunk.css ?? []) : []))
      .map((file) => `/${file}`);
  } catch {
    return [];
  }
}
