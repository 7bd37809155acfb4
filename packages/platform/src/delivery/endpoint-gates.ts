/**
 * Endpoint gating (a circuit breaker per endpoint): once an endpoint has failed `tripAfter`
 * times in a row, or answered 429, only one delivery (the probe) goes out per retry tick and
 * the rest wait, so a dead endpoint with a large backlog costs one attempt per tick instead of
 * one per pending row. A success reopens it. A single bad event does not trip it as long as
 * other deliveries to the endpoint succeed in between.
 *
 * State is per dispatcher (in memory): with several nodes on PostgreSQL each probes on its own,
 * which is still O(nodes) attempts per tick, not O(backlog).
 */

interface GateState {
  consecutiveFailures: number;
  tripped: boolean;
  /** When the endpoint started failing: held rows start their 72 h schedule from here. */
  failingSince: number;
  probeAt: number;
  probing: boolean;
  /** Apps seen delivering to this endpoint; their rows are left unclaimed while it waits. */
  apps: Set<string>;
}

export type Admission = 'send' | 'probe' | 'hold';

export class EndpointGates {
  private readonly gates = new Map<string, GateState>();

  constructor(private readonly tripAfter = 3) {}

  /** Whether a delivery to `key` may go now. A 'probe' must be followed by succeeded/failed/neutral. */
  admit(key: string, appId: string, now: number): Admission {
    const gate = this.gates.get(key);
    if (!gate?.tripped) return 'send';
    gate.apps.add(appId);
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
  failed(key: string, appId: string, now: number, retryAt: number, wasProbe: boolean, rateLimited: boolean): void {
    let gate = this.gates.get(key);
    if (!gate) {
      gate = { consecutiveFailures: 0, tripped: false, failingSince: now, probeAt: retryAt, probing: false, apps: new Set() };
      this.gates.set(key, gate);
    }
    gate.consecutiveFailures += 1;
    gate.apps.add(appId);
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

  /** Apps whose rows should not be claimed at `now` (their endpoint waits and is not due for a probe). */
  excludedApps(now: number): string[] {
    const apps = new Set<string>();
    for (const gate of this.gates.values()) {
      if (gate.tripped && (gate.probing || gate.probeAt > now)) for (const app of gate.apps) apps.add(app);
    }
    return [...apps];
  }

  /** Apps of endpoints failing since before `since` (their unclaimed backlog has outlived the schedule). */
  staleApps(since: number): string[] {
    const apps = new Set<string>();
    for (const gate of this.gates.values()) if (gate.tripped && gate.failingSince < since) for (const app of gate.apps) apps.add(app);
    return [...apps];
  }

  /** Endpoints currently gated (for /metrics and tests). */
  trippedCount(): number {
    let count = 0;
    for (const gate of this.gates.values()) if (gate.tripped) count += 1;
    return count;
  }
}
