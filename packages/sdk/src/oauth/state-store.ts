/**
 * Remembers which OAuth `state` values were already used, so each works once. Issuing a
 * state writes nothing (it is signed, see `signed-state.ts`); only redeeming one does, so a
 * crawler opening install links cannot fill the store.
 * @example
 * class RedisStateStore implements StateStore {
 *   async consume(id: string, expiresAt: number) { return (await redis.set(`state:${id}`, '1', { NX: true, PXAT: expiresAt })) === 'OK'; }
 * }
 */
export interface StateStore {
  /**
   * Marks the state `id` as used. Resolves `true` the first time and `false` for every later
   * call with the same id, also under concurrent calls. The record may be dropped after
   * `expiresAt` (epoch ms): an expired state is rejected before it gets here.
   */
  consume(id: string, expiresAt: number): Promise<boolean>;
}

/**
 * The default: used states in process memory. Right for one process; an app running several
 * processes behind a load balancer needs a shared store (`SqliteServicesStore` and
 * `PostgresServicesStore` implement `StateStore` too).
 * @example createApp({ ..., oauth: { ..., stateStore: new MemoryStateStore() } })
 */
export class MemoryStateStore implements StateStore {
  // Insertion order ≈ expiry order (one TTL per flow), so pruning stops at the first live entry.
  private readonly used = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async consume(id: string, expiresAt: number): Promise<boolean> {
    this.prune();
    if (this.used.has(id)) return false;
    this.used.set(id, expiresAt);
    return true;
  }

  /** How many used states are remembered (for tests and metrics). @example store.size */
  get size(): number {
    return this.used.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [id, expiresAt] of this.used) {
      if (expiresAt > now) break;
      this.used.delete(id);
    }
  }
}
