import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Preact's JSX through Oxc's automatic runtime (Vite's own transformer): no Babel preset, no extra plugin.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    // Hashed files of an earlier build stay: a server still holding that build's index.html (a test
    // run while the page is rebuilt) keeps serving a whole page. dist/ is never committed.
    emptyOutDir: false,
    manifest: true,
    target: 'es2022',
    // Small enough that one chunk is faster than a waterfall of them.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
