export interface DeliveryDeduperOptions {
  /** How many delivery ids to remember. Default 10 000: memory stays bounded under any load. */
  capacity?: number;
}

const NONE = -1;

/**
 * Drops redeliveries. The platform retries a delivery whose acknowledgement it did not see,
 * with the same `x-switchboard-delivery-id`; a handler that already ran must not run twice.
 * Bounded LRU: the least recently seen id is forgotten first, so a long-running app keeps a
 * fixed memory footprint (retries arrive within minutes, so recent ids are the ones that matter).
 *
 * O(1) per call without iterating anything: a Map from id to a slot, and the recency order as a
 * doubly linked list over slot indexes. (A Map alone, evicting `keys().next()`, degrades once
 * full: every eviction leaves a hole at the front that the next iteration has to skip.)
 * @example
 * const dedupe = new DeliveryDeduper();
 * if (result.deliveryId && dedupe.isDuplicate(result.deliveryId)) return ack();
 */
export class DeliveryDeduper {
  private readonly capacity: number;
  private readonly slotOf = new Map<string, number>();
  private readonly ids: (string | undefined)[] = [];
  /** Per slot: the next more recent and the next less recent slot, or NONE. */
  private readonly newer: number[] = [];
  private readonly older: number[] = [];
  private newest = NONE;
  private oldest = NONE;
  /** Slots given back by `forget`, reused before the list grows. */
  private readonly free: number[] = [];

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
    const known = this.slotOf.get(deliveryId);
    if (known !== undefined) {
      this.unlink(known);
      this.linkNewest(known);
      return true;
    }
    let slot: number;
    if (this.free.length > 0) slot = this.free.pop() as number;
    else if (this.ids.length < this.capacity) {
      slot = this.ids.length;
      this.ids.push(undefined);
      this.newer.push(NONE);
      this.older.push(NONE);
    } else {
      // Full: the least recently seen id makes room.
      slot = this.oldest;
      this.unlink(slot);
      this.slotOf.delete(this.ids[slot] as string);
    }
    this.ids[slot] = deliveryId;
    this.slotOf.set(deliveryId, slot);
    this.linkNewest(slot);
    return false;
  }

  /**
   * Forgets an id, so the platform's retry is processed: call it when handling failed
   * and you answered with a nack.
   * @example try { await handle(payload) } catch (e) { dedupe.forget(id); throw e }
   */
  forget(deliveryId: string): void {
    const slot = this.slotOf.get(deliveryId);
    if (slot === undefined) return;
    this.slotOf.delete(deliveryId);
    this.unlink(slot);
    this.ids[slot] = undefined;
    this.free.push(slot);
  }

  /** How many ids are remembered right now. */
  get size(): number {
    return this.slotOf.size;
  }

  private linkNewest(slot: number): void {
    this.older[slot] = this.newest;
    this.newer[slot] = NONE;
    if (this.newest !== NONE) this.newer[this.newest] = slot;
    this.newest = slot;
    if (this.oldest === NONE) this.oldest = slot;
  }

  private unlink(slot: number): void {
    const newer = this.newer[slot];
    const older = this.older[slot];
    if (newer !== NONE) this.older[newer] = older;
    else this.newest = older;
    if (older !== NONE) this.newer[older] = newer;
    else this.oldest = newer;
  }
}
