export interface DeliveryDeduperOptions {
  /** How many delivery ids to remember. Default 10 000: memory stays bounded under any load. */
  capacity?: number;
}

/**
 * Drops redeliveries. The platform retries a delivery whose acknowledgement it did not see,
 * with the same `x-switchboard-delivery-id`; a handler that already ran must not run twice.
 * Bounded LRU: the least recently seen id is forgotten first, so a long-running app keeps a
 * fixed memory footprint (retries arrive within minutes, so recent ids are the ones that matter).
 * @example
 * const dedupe = new DeliveryDeduper();
 * if (result.deliveryId && dedupe.isDuplicate(result.deliveryId)) return ack();
 */
export class DeliveryDeduper {
  private readonly capacity: number;
  // A Map iterates in insertion order, so re-inserting on access makes its first key the LRU one.
  private readonly seen = new Map<string, true>();

  constructor(options: DeliveryDeduperOptions = {}) {
    const capacity = options.capacity ?? 10_000;
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError('DeliveryDeduper capacity must be a positive integer.');
    this.capacity = capacity;
  }

  /**
   * True when `deliveryId` was seen before (drop it); otherwise remembers it and returns false.
   * @example dedupe.isDuplicate('d-1') // false, then true for the same id
   */
  isDuplicate(deliveryId: string): boolean {
    if (this.seen.has(deliveryId)) {
      this.seen.delete(deliveryId);
      this.seen.set(deliveryId, true);
      return true;
    }
    this.seen.set(deliveryId, true);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return false;
  }

  /**
   * Forgets an id, so the platform's retry is processed: call it when handling failed
   * and you answered with a nack.
   * @example try { await handle(payload) } catch (e) { dedupe.forget(id); throw e }
   */
  forget(deliveryId: string): void {
    this.seen.delete(deliveryId);
  }

  /** How many ids are remembered right now. */
  get size(): number {
    return this.seen.size;
  }
}
