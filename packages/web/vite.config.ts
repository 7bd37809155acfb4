import { defineConfig } from 'vite';

// Preact's JSX through esbuild's automatic runtime: no Babel preset, no extra plugin.
export default defineConfig({
  root: import.meta.dirname,
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
