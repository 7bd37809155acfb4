import { describe, expect, it } from 'vitest';
import { DeliveryDeduper } from './delivery-deduper.js';

describe('DeliveryDeduper', () => {
  it('lets the first delivery through and drops its retries', () => {
    const dedupe = new DeliveryDeduper();
    expect(dedupe.isDuplicate('d-1')).toBe(false);
    expect(dedupe.isDuplicate('d-1')).toBe(true);
    expect(dedupe.isDuplicate('d-2')).toBe(false);
  });

  it('stays bounded, forgetting the least recently seen id first', () => {
    const dedupe = new DeliveryDeduper({ capacity: 3 });
    for (const id of ['a', 'b', 'c']) dedupe.isDuplicate(id);
    expect(dedupe.isDuplicate('a')).toBe(true); // refreshes a: b is now the oldest
    expect(dedupe.isDuplicate('d')).toBe(false); // evicts b
    expect(dedupe.size).toBe(3);
    expect(dedupe.isDuplicate('a')).toBe(true);
    expect(dedupe.isDuplicate('b')).toBe(false);
  });

  it('forget lets a failed delivery be processed again on retry', () => {
    const dedupe = new DeliveryDeduper();
    dedupe.isDuplicate('d-1');
    dedupe.forget('d-1');
    expect(dedupe.isDuplicate('d-1')).toBe(false);
  });

  it('refuses a nonsensical capacity', () => {
    expect(() => new DeliveryDeduper({ capacity: 0 })).toThrow(RangeError);
  });
});
