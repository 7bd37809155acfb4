import { describe, expect, it } from 'vitest';
import { expiryOf } from './custom-status-service.js';

// Wednesday 2026-12-02 10:00 UTC.
const NOW = Date.UTC(2026, 11, 2, 10, 0, 0);
const MIN = 60_000;

describe('expiryOf', () => {
  it('never expires for "never", whatever expiresAt says', () => {
    expect(expiryOf({ expiration: 'never', expiresAt: NOW + MIN }, NOW)).toBe(0);
  });

  it('counts the named spans from now', () => {
    expect(expiryOf({ expiration: 'min30', expiresAt: 0 }, NOW)).toBe(NOW + 30 * MIN);
    expect(expiryOf({ expiration: 'hour1', expiresAt: 0 }, NOW)).toBe(NOW + 60 * MIN);
    expect(expiryOf({ expiration: 'hour4', expiresAt: 0 }, NOW)).toBe(NOW + 240 * MIN);
  });

  it('ends "today" at the next midnight UTC and "thisWeek" at the midnight ending Sunday', () => {
    expect(expiryOf({ expiration: 'today', expiresAt: 0 }, NOW)).toBe(Date.UTC(2026, 11, 3));
    expect(expiryOf({ expiration: 'thisWeek', expiresAt: 0 }, NOW)).toBe(Date.UTC(2026, 11, 7));
    const sunday = Date.UTC(2026, 11, 6, 23, 0);
    expect(expiryOf({ expiration: 'thisWeek', expiresAt: 0 }, sunday)).toBe(Date.UTC(2026, 11, 7));
  });

  it('takes an explicit expiresAt, and keeps a custom status without one', () => {
    expect(expiryOf({ expiration: 'custom', expiresAt: NOW + 5 * MIN }, NOW)).toBe(NOW + 5 * MIN);
    expect(expiryOf({ expiration: 'hour1', expiresAt: NOW + 5 * MIN }, NOW)).toBe(NOW + 5 * MIN);
    expect(expiryOf({ expiration: 'custom', expiresAt: 0 }, NOW)).toBe(0);
    expect(expiryOf({ expiresAt: 0 }, NOW)).toBe(0);
  });
});
