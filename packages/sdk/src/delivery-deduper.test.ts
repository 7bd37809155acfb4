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

  it('agrees with a plain LRU model over a long run of hits, misses, evictions and forgets', () => {
    const capacity = 50;
    const dedupe = new DeliveryDeduper({ capacity });
    const model: string[] = []; // least recent first
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const mismatches: string[] = [];
    for (let step = 0; step < 20_000; step += 1) {
      const id = `d-${Math.floor(random() * 120)}`;
      if (random() < 0.1) {
        dedupe.forget(id);
        if (model.includes(id)) model.splice(model.indexOf(id), 1);
        continue;
      }
      const seen = model.includes(id);
      if (dedupe.isDuplicate(id) !== seen) mismatches.push(`step ${step}: ${id}`);
      if (seen) model.splice(model.indexOf(id), 1);
      model.push(id);
      if (model.length > capacity) model.shift();
      if (dedupe.size !== model.length) mismatches.push(`step ${step}: size ${dedupe.size} != ${model.length}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('refuses a nonsensical capacity', () => {
    expect(() => new DeliveryDeduper({ capacity: 0 })).toThrow(RangeError);
  });
});
