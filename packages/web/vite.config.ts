import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Preact's JSX through Oxc's automatic runtime (Vite's own transformer): no Babel preset, no extra plugin.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    // Small enough that one chunk is faster than a waterfall of them.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
