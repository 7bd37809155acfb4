import type { OutboxRow, RowResult } from './outbox-store.js';
import { nextAttemptAt } from './retry-schedule.js';
import type { DeliveryOutcome } from './transport.js';

/** A failed attempt's result on the seed 003 schedule, from the row's first failure (this attempt, if it is the first). */
export function retryResult(row: OutboxRow, now: number, outcome: DeliveryOutcome & { kind: 'retry' }): { result: RowResult; outcome: DeliveryOutcome } {
  const firstFailedAt = row.first_failed_at ?? now;
  const notBefore = outcome.retryAfterMs !== undefined ? now + outcome.retryAfterMs : 0;
  const next = nextAttemptAt(firstFailedAt, now, notBefore);
  const status = outcome.status ?? null;
  const error = outcome.error ?? null;
  const result: RowResult =
    next === undefined
      ? { id: row.id, kind: 'failed', status, error, attempted: true }
      : { id: row.id, kind: 'retry', nextAttemptAt: next, firstFailedAt, status, error };
  return { result, outcome };
}
