/**
 * When the client tries a request again. Two cases only, both safe:
 * - 429: the platform refused before doing anything, so any method may be retried, after the
 *   `Retry-After` it asked for;
 * - no answer at all (reset, refused, timeout): the request may or may not have run, so only
 *   idempotent methods are retried — a repeated POST could post a message twice.
 */

export interface RetryOptions {
  /** Total tries including the first. Default 3; 1 disables retries. */
  maxAttempts?: number;
  /**
   * The longest `Retry-After` we wait for. A longer one fails at once with the 429 error
   * (carrying `retryAfterMs`): retrying earlier than asked only earns another 429. Default 30 s.
   */
  maxRetryAfterMs?: number;
  /** First backoff after a network error, doubled each time, with jitter. Default 250 ms. */
  baseDelayMs?: number;
}

export interface ResolvedRetryPolicy {
  maxAttempts: number;
  maxRetryAfterMs: number;
  baseDelayMs: number;
}

export function resolveRetryPolicy(options: RetryOptions = {}): ResolvedRetryPolicy {
  const policy = { maxAttempts: 3, maxRetryAfterMs: 30_000, baseDelayMs: 250, ...stripUndefined(options) };
  if (!Number.isSafeInteger(policy.maxAttempts) || policy.maxAttempts < 1) throw new RangeError('retry.maxAttempts must be an integer >= 1.');
  if (!(policy.maxRetryAfterMs >= 0) || !(policy.baseDelayMs >= 0)) throw new RangeError('retry delays must be >= 0.');
  return policy;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

/**
 * `Retry-After` in milliseconds: delta-seconds or an HTTP date (RFC 9110 10.2.3).
 * Undefined when absent or unreadable, so the caller falls back to its own backoff.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with jitter (half fixed, half random), so many clients failing together don't retry together. */
export function backoffDelay(policy: ResolvedRetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), 10_000);
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
