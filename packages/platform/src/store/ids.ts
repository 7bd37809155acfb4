import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/** Random bytes drawn in bulk: one randomFillSync per 1 024 ids instead of a randomBytes call each. */
const POOL_IDS = 1024;
const pool = Buffer.allocUnsafe(POOL_IDS * 4);
let poolOffset = pool.length;

function randomHex8(): string {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  // Each byte of the pool is used once, then the pool is refilled.
  const hex = pool.toString('hex', poolOffset, poolOffset + 4);
  poolOffset += 4;
  return hex;
}

/**
 * 24 lowercase hex chars (like the Mongo ids Pumble uses): 6 bytes of epoch ms, a 2-byte
 * per-process counter and 4 random bytes. Ids sort by creation time, so message history
 * pages can use the id itself as the cursor.
 */
export function newId(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else {
    counter += 1;
    if (counter > 0xffff) {
      // More than 65 536 ids in one millisecond: borrow the next millisecond to stay monotonic.
      lastMs += 1;
      counter = 0;
    }
  }
  return lastMs.toString(16).padStart(12, '0') + counter.toString(16).padStart(4, '0') + randomHex8();
}
