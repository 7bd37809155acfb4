import type { ScheduledMessageRecurrenceRequest } from '@switchboard/protocol';

const DAY = 86_400_000;

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
const timeOfDay = (at: number) => ((at % DAY) + DAY) % DAY;

/** The day of `month` (may overflow into later years) whose weekday is `weekday`, the `nth` (1-5) or the last one. */
function weekdayOf(year: number, month: number, weekday: number, nth: number | 'last'): number {
  const first = new Date(Date.UTC(year, month, 1)).getUTCDay();
  const days = daysIn(year, month);
  if (nth === 'last') {
    const lastWeekday = new Date(Date.UTC(year, month, days)).getUTCDay();
    return days - ((lastWeekday - weekday + 7) % 7);
  }
  const day = 1 + ((weekday - first + 7) % 7) + 7 * (nth - 1);
  // A fifth Monday that this month lacks falls back to its last Monday.
  return day > days ? day - 7 : day;
}

function inMonthsAfter(first: number, months: number, rule: 'nth' | 'last'): number {
  const anchor = new Date(first);
  const target = new Date(Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth() + months, 1));
  const weekday = anchor.getUTCDay();
  const nth = rule === 'last' ? 'last' : Math.ceil(anchor.getUTCDate() / 7);
  const day = weekdayOf(target.getUTCFullYear(), target.getUTCMonth(), weekday, nth);
  return Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), day) + timeOfDay(first);
}

function yearsAfter(first: number, years: number): number {
  const anchor = new Date(first);
  const year = anchor.getUTCFullYear() + years;
  const day = Math.min(anchor.getUTCDate(), daysIn(year, anchor.getUTCMonth()));
  return Date.UTC(year, anchor.getUTCMonth(), day) + timeOfDay(first);
}

/**
 * When a recurring scheduled message is posted next (UTC calendar), or undefined when it ends.
 * `index` is the occurrence to compute (1 = the one after the first), counted from `first` so
 * the pattern never drifts; business days step from the `previous` occurrence.
 * @example nextOccurrence({ recurrenceType: 'WEEKLY' }, first, first, 1) // first + 7 days
 */
export function nextOccurrence(recurrence: ScheduledMessageRecurrenceRequest, first: number, previous: number, index: number): number | undefined {
  if (recurrence.endAfterOccurrences && index >= recurrence.endAfterOccurrences) return undefined;
  let next: number;
  switch (recurrence.recurrenceType) {
    case 'DAILY':
      next = first + index * DAY;
      break;
    case 'WEEKLY':
      next = first + index * 7 * DAY;
      break;
    case 'BIWEEKLY':
      next = first + index * 14 * DAY;
      break;
    case 'BUSINESSDAYS': {
      next = previous + DAY;
      while ([0, 6].includes(new Date(next).getUTCDay())) next += DAY;
      break;
    }
    case 'MONTHLY_NTH_WEEKDAY':
      next = inMonthsAfter(first, index, 'nth');
      break;
    case 'MONTHLY_LAST_WEEKDAY':
      next = inMonthsAfter(first, index, 'last');
      break;
    case 'QUARTERLY_NTH_WEEKDAY':
      next = inMonthsAfter(first, 3 * index, 'nth');
      break;
    case 'QUARTERLY_LAST_WEEKDAY':
      next = inMonthsAfter(first, 3 * index, 'last');
      break;
    case 'ANNUALLY':
      next = yearsAfter(first, index);
      break;
  }
  if (next <= previous) return undefined;
  if (recurrence.endDate && next > recurrence.endDate) return undefined;
  return next;
}
