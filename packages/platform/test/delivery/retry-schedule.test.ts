import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_RETRIES, nextAttemptAt, retryOffsetMs, scheduleExhausted } from '../../src/delivery/retry-schedule.js';

// The shared vectors live beside the repository: <repo root>/../shared.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const vectors = JSON.parse(readFileSync(resolve(repoRoot, 'vectors/retry-schedule.json'), 'utf8')) as { offsetsSeconds: number[]; count: number };
const offsetsMs = vectors.offsetsSeconds.map((s) => s * 1_000);

describe('seed 003 retry schedule', () => {
  it('matches every offset of the vectors by retry number', () => {
    expect(offsetsMs).toHaveLength(vectors.count);
    expect(MAX_RETRIES).toBe(offsetsMs.length);
    for (const [index, offset] of offsetsMs.entries()) expect(retryOffsetMs(index + 1)).toBe(offset);
    expect(retryOffsetMs(offsetsMs.length + 1)).toBeUndefined();
    expect(retryOffsetMs(0)).toBeUndefined();
  });

  it('walks the whole 72 h from the first failure, retrying exactly at each offset, then gives up', () => {
    const first = 1_763_900_000_000;
    const attempts: number[] = [];
    let now = first;
    for (;;) {
      const next = nextAttemptAt(first, now);
      if (next === undefined) break;
      attempts.push(next - first);
      now = next;
    }
    expect(attempts).toEqual(offsetsMs);
  });

  it('keeps to the grid when a retry runs late, and a Retry-After never pulls it earlier', () => {
    const first = 0;
    expect(nextAttemptAt(first, 31_000)).toBe(60_000); // late by 1 s: next grid point, not 61 s
    expect(nextAttemptAt(first, 7_199_000)).toBe(7_200_000);
    expect(nextAttemptAt(first, 7_200_000)).toBe(3 * 3_600_000);
    expect(nextAttemptAt(first, 0, 5_000)).toBe(30_000); // Retry-After 5 s: the schedule wins
    expect(nextAttemptAt(first, 0, 75_000)).toBe(90_000); // Retry-After 75 s: first grid point after it
    expect(nextAttemptAt(first, 72 * 3_600_000)).toBeUndefined();
    expect(scheduleExhausted(first, 72 * 3_600_000)).toBe(false);
    expect(scheduleExhausted(first, 72 * 3_600_000 + 1)).toBe(true);
  });
});
