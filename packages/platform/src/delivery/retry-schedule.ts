/**
 * The retry schedule of seed 003 (Watson webhooks), used for every event delivery:
 * after the first failed attempt, retry every 30 s until 2 h after that failure, then at
 * 3 h, 6 h, 12 h, 24 h, 36 h and 72 h after it; if that last retry fails the delivery is failed.
 *
 * Every retry lands on a point of this grid, counted from the first failure, so a dispatcher
 * that runs late (a busy node, a restart) skips the points it missed instead of shifting the
 * whole schedule and retrying past 72 h.
 */

const SECOND = 1_000;
const HOUR = 3_600 * SECOND;

export const RETRY_INTERVAL_MS = 30 * SECOND;
/** How long the 30-second phase lasts after the first failure. */
export const FAST_PHASE_MS = 2 * HOUR;
/** The later retries, as offsets from the first failure. */
export const LATE_RETRY_OFFSETS_MS: readonly number[] = [3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 36 * HOUR, 72 * HOUR];
const FAST_RETRIES = FAST_PHASE_MS / RETRY_INTERVAL_MS;
/** 240 retries in the 30-second phase plus the 6 later ones. */
export const MAX_RETRIES = FAST_RETRIES + LATE_RETRY_OFFSETS_MS.length;
/** The last retry; nothing is attempted after it. */
export const GIVE_UP_AFTER_MS = LATE_RETRY_OFFSETS_MS[LATE_RETRY_OFFSETS_MS.length - 1];

/** Offset from the first failure of retry number `retry` (1-based), or undefined past the last one. */
export function retryOffsetMs(retry: number): number | undefined {
  if (!Number.isInteger(retry) || retry < 1) return undefined;
  if (retry <= FAST_RETRIES) return retry * RETRY_INTERVAL_MS;
  return LATE_RETRY_OFFSETS_MS[retry - FAST_RETRIES - 1];
}

/**
 * When to try again after a failed attempt at `now`: the first grid point strictly after `now`
 * (and not before `notBefore`, e.g. a 429's Retry-After, which therefore is honoured but never
 * pulls a retry earlier than the schedule). Undefined means the schedule is exhausted: fail it.
 */
export function nextAttemptAt(firstFailedAt: number, now: number, notBefore = 0): number | undefined {
  const earliest = Math.max(now + 1, notBefore);
  const elapsed = earliest - firstFailedAt;
  if (elapsed <= FAST_PHASE_MS) {
    const slots = Math.max(1, Math.ceil(elapsed / RETRY_INTERVAL_MS));
    return firstFailedAt + slots * RETRY_INTERVAL_MS;
  }
  for (const offset of LATE_RETRY_OFFSETS_MS) if (offset >= elapsed) return firstFailedAt + offset;
  return undefined;
}

/** Whether a delivery that first failed at `firstFailedAt` has run out of retries by `now`. */
export function scheduleExhausted(firstFailedAt: number, now: number): boolean {
  return now - firstFailedAt > GIVE_UP_AFTER_MS;
}
