import { sourceKey } from './outbox-store.js';

/**
 * Endpoint gating (a circuit breaker per endpoint): once an endpoint has failed `tripAfter`
 * times in a row, or answered 429, only one delivery (the probe) goes out per retry tick and
 * the rest wait, so a dead endpoint with a large backlog costs one attempt per tick instead of
 * one per pending row. A success reopens it. A single bad event does not trip it as long as
 * other deliveries to the endpoint succeed in between.
 *
 * Gates hold sources (an app's event URL, or one of its webhooks), not whole apps: an app whose
 * webhook is dead keeps receiving on its event URL, and the other way round.
 *
 * State is per dispatcher (in memory): with several nodes on PostgreSQL each probes on its own,
 * which is still O(nodes) attempts per tick, not O(backlog).
 */

/** Where an outbox row goes: the app and its `target` column (null = the app's event URL). */
export interface DeliverySource {
  appId: string;
  target: string | null;
}

interface GateState {
  consecutiveFailures: number;
  tripped: boolean;
  /** When the endpoint started failing: held rows start their 72 h schedule from here. */
  failingSince: number;
  probeAt: number;
  probing: boolean;
  /** Sources seen delivering to this endpoint (by `sourceKey`); their rows are left unclaimed while it waits. */
  sources: Map<string, DeliverySource>;
}

export type Admission = 'send' | 'probe' | 'hold';

export class EndpointGates {
  private readonly gates = new Map<string, GateState>();

  constructor(private readonly tripAfter = 3) {}

  /** Whether a delivery to `key` may go now. A 'probe' must be followed by succeeded/failed/neutral. */
  admit(key: string, source: DeliverySource, now: number): Admission {
    const gate = this.gates.get(key);
    if (!gate?.tripped) return 'send';
    gate.sources.set(sourceKey(source.appId, source.target), source);
    if (gate.probing || gate.probeAt > now) return 'hold';
    gate.probing = true;
    return 'probe';
  }

  /** When a held delivery's endpoint started failing (its 72 h clock). */
  failingSince(key: string): number | undefined {
    return this.gates.get(key)?.failingSince;
  }

  /** The endpoint answered: everything it holds may flow. Returns true if a gate opened. */
  succeeded(key: string): boolean {
    const gate = this.gates.get(key);
    this.gates.delete(key);
    return gate?.tripped ?? false;
  }

  /**
   * A delivery failed at `now`; `retryAt` is its next scheduled attempt. A 429 (`rateLimited`)
   * trips the gate at once so the whole endpoint honours Retry-After.
   */
  failed(key: string, source: DeliverySource, now: number, retryAt: number, wasProbe: boolean, rateLimited: boolean): void {
    let gate = this.gates.get(key);
    if (!gate) {
      gate = { consecutiveFailures: 0, tripped: false, failingSince: now, probeAt: retryAt, probing: false, sources: new Map() };
      this.gates.set(key, gate);
    }
    gate.consecutiveFailures += 1;
    gate.sources.set(sourceKey(source.appId, source.target), source);
    const tripping = !gate.tripped && (rateLimited || gate.consecutiveFailures >= this.tripAfter);
    if (tripping) gate.tripped = true;
    // The probe's own schedule sets the tick; failures of deliveries already in flight when
    // the gate tripped must not pull it earlier (a 429 may only push it later).
    if (wasProbe || tripping) gate.probeAt = retryAt;
    else if (rateLimited) gate.probeAt = Math.max(gate.probeAt, retryAt);
    if (wasProbe) gate.probing = false;
  }

  /** A probe ended without telling anything about the endpoint (bad URL, stop): let another row probe. */
  neutral(key: string, wasProbe: boolean): void {
    const gate = this.gates.get(key);
    if (gate && wasProbe) gate.probing = false;
  }

  /** Source keys whose rows should not be claimed at `now` (their endpoint waits and is not due for a probe). */
  excludedSources(now: number): Set<string> {
    const keys = new Set<string>();
    for (const gate of this.gates.values()) {
      if (gate.tripped && (gate.probing || gate.probeAt > now)) for (const key of gate.sources.keys()) keys.add(key);
    }
    return keys;
  }

  /** Sources of endpoints failing since before `since` (their unclaimed backlog has outlived the schedule). */
  staleSources(since: number): DeliverySource[] {
    const stale = new Map<string, DeliverySource>();
    for (const gate of this.gates.values()) if (gate.tripped && gate.failingSince < since) for (const [key, source] of gate.sources) stale.set(key, source);
    return [...stale.values()];
  }

  /** Endpoints currently gated (for /metrics and tests). */
  trippedCount(): number {
    let count = 0;
    for (const gate of this.gates.values()) if (gate.tripped) count += 1;
    return count;
  }
}
