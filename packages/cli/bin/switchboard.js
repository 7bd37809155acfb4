#!/usr/bin/env node
// Runs the TypeScript sources directly (via tsx) so `npx switchboard` works right after
// `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/index.ts');
await main(process.argv);
