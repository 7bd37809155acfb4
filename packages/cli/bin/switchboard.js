#!/usr/bin/env -S node --max-semi-space-size=32 --no-allocation-site-pretenuring
// The larger young generation: the platform allocates per event (rows read from the outbox,
// frames, promises) and objects that live across a few event-loop turns were copied by every
// scavenge at V8's default size; measured +10-15 % socket-mode events/s.
// No allocation-site pretenuring: after a burst, V8 decided that sites such as undici's
// response-header buffers were long-lived and allocated them straight in old space, where
// each became garbage for a mark-compact every ~3 s at 1 000 events/s (clusters of 30-40 ms
// stalls); without it they die young. bench/ starts its servers with the flags of this line.
// Runs the TypeScript sources directly (via tsx) so `npx switchboard` works right after
// `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/index.ts');
await main(process.argv);
