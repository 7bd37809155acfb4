/**
 * Refuses a signed request seen before. The platform signs every attempt afresh (new
 * timestamp), so the same Pumble signature twice inside the freshness window can only be a
 * replay — and the delivery-id header that the deduper relies on is not signed, so an attacker
 * could strip it. Signatures are remembered until their timestamp goes stale (the verifier
 * refuses them from then on); the set is bounded so a flood cannot grow memory without limit.
 */
export class ReplayGuard {
  // Insertion order ≈ arrival order, so expired entries sit at the front.
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly toleranceMs: number,
    private readonly maxEntries = 100_000,
  ) {}

  /** True when `signature` is new (and is now remembered); false for a replay. */
  claim(signature: string, timestampMs: number, now: number): boolean {
    this.sweep(now);
    if (this.seen.has(signature)) return false;
    if (this.seen.size >= this.maxEntries) {
      const oldest = this.seen.keys().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
    this.seen.set(signature, timestampMs + this.toleranceMs);
    return true;
  }

  /** Forgets a signature whose handling failed, so a forwarder (relay `listen`) may send it again. */
  release(signature: string): void {
    this.seen.delete(signature);
  }

  private sweep(now: number): void {
    for (const [signature, expiresAt] of this.seen) {
      if (expiresAt > now) return;
      this.seen.delete(signature);
    }
  }
}
