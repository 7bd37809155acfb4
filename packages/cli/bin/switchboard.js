#!/usr/bin/env -S node --max-semi-space-size=32 --no-allocation-site-pretenuring
// The larger young generation: the platform allocates per event (rows read from the outbox,
// frames, promises) and objects that live across a few event-loop turns were copied by every
// scavenge at V8's default size; measured +10-15 % socket-mode events/s.
// No allocation-site pretenuring: after a burst, V8 decided that sites such as undici's
// response-header buffers were long-lived and allocated them straight in old space, where
// each became garbage for a mark-compact every ~3 s at 1 000 events/s (clusters of 30-40 ms
// stalls); without it they die young. bench/ starts its servers with the flags of this line.
// Runs the compiled JavaScript (`npm install` builds it).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/index.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('switchboard: the CLI has not been built. Run `npm install` (or `npm run build`) at the repository root.');
  process.exit(70);
}
const { main } = await import(entry.href);
await main(process.argv);
