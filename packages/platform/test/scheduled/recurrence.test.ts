import { describe, expect, it } from 'vitest';
import { nextOccurrence } from '../../src/scheduled/recurrence.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('scheduled message recurrence', () => {
  // Monday 2025-03-10 09:30 UTC, the second Monday of March.
  const first = at('2025-03-10T09:30:00.000Z');

  it('steps daily, weekly and every two weeks from the first occurrence', () => {
    expect(iso(nextOccurrence({ recurrenceType: 'DAILY' }, first, first, 1))).toBe('2025-03-11T09:30:00.000Z');
    expect(iso(nextOccurrence({ recurrenceType: 'WEEKLY' }, first, first, 1))).toBe('2025-03-17T09:30:00.000Z');
    expect(iso(nextOccurrence({ recurrenceType: 'BIWEEKLY' }, first, at('2025-03-24T09:30:00.000Z'), 2))).toBe('2025-04-07T09:30:00.000Z');
  });

  it('skips weekends on business days', () => {
    const friday = at('2025-03-14T09:30:00.000Z');
    expect(iso(nextOccurrence({ recurrenceType: 'BUSINESSDAYS' }, first, friday, 5))).toBe('2025-03-17T09:30:00.000Z');
  });

  it('keeps the nth or last weekday monthly and quarterly', () => {
    expect(iso(nextOccurrence({ recurrenceType: 'MONTHLY_NTH_WEEKDAY' }, first, first, 1))).toBe('2025-04-14T09:30:00.000Z');
    expect(iso(nextOccurrence({ recurrenceType: 'QUARTERLY_NTH_WEEKDAY' }, first, first, 1))).toBe('2025-06-09T09:30:00.000Z');
    expect(iso(nextOccurrence({ recurrenceType: 'MONTHLY_LAST_WEEKDAY' }, first, first, 1))).toBe('2025-04-28T09:30:00.000Z');
    expect(iso(nextOccurrence({ recurrenceType: 'QUARTERLY_LAST_WEEKDAY' }, first, first, 1))).toBe('2025-06-30T09:30:00.000Z');
    // A fifth Saturday (29 March) falls back to the last Saturday of a month that has only four.
    const fifth = at('2025-03-29T08:00:00.000Z');
    expect(iso(nextOccurrence({ recurrenceType: 'MONTHLY_NTH_WEEKDAY' }, fifth, fifth, 1))).toBe('2025-04-26T08:00:00.000Z');
  });

  it('keeps 29 February on the 28th in other years and never drifts', () => {
    const leap = at('2024-02-29T12:00:00.000Z');
    expect(iso(nextOccurrence({ recurrenceType: 'ANNUALLY' }, leap, leap, 1))).toBe('2025-02-28T12:00:00.000Z');
    expect(iso(nextOccurrence({ recurrenceType: 'ANNUALLY' }, leap, at('2027-02-28T12:00:00.000Z'), 4))).toBe('2028-02-29T12:00:00.000Z');
  });

  it('ends after the given number of occurrences or past the end date', () => {
    expect(nextOccurrence({ recurrenceType: 'DAILY', endAfterOccurrences: 2 }, first, first, 1)).toBeDefined();
    expect(nextOccurrence({ recurrenceType: 'DAILY', endAfterOccurrences: 2 }, first, first + 86_400_000, 2)).toBeUndefined();
    expect(nextOccurrence({ recurrenceType: 'WEEKLY', endDate: first + 6 * 86_400_000 }, first, first, 1)).toBeUndefined();
  });
});
