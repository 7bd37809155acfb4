import type { Clock } from '../clock.js';
import type { DeliverySource, EndpointGates } from './endpoint-gates.js';
import type { OutboxRow, RowResult } from './outbox-store.js';
import { retryResult } from './retry-result.js';
import { RETRY_INTERVAL_MS, scheduleExhausted } from './retry-schedule.js';
import type { DeliveryTargets, TransportName } from './targets.js';
import type { Delivery, DeliveryOutcome, DeliveryTransport } from './transport.js';

/** A row begun: whether it went out, the window of its transport, and its settled attempt. */
export interface Begun {
  sent: boolean;
  window: number;
  attempt: Promise<Attempt>;
}

/** A row that was not sent (held, no target, stopping): settled as `result`. */
function notSent(row: OutboxRow, result: RowResult, outcome?: DeliveryOutcome): Begun {
  return { sent: false, window: 1, attempt: Promise.resolve({ row, result, outcome, latencyMs: 0 }) };
}

/** One settled (or not attempted) row of a lane. */
export interface Attempt {
  row: OutboxRow;
  result: RowResult;
  outcome?: DeliveryOutcome;
  latencyMs: number;
}

export interface RowAttemptsDeps {
  targets: DeliveryTargets;
  transports: Partial<Record<TransportName, DeliveryTransport>>;
  gates: EndpointGates;
  clock: Clock;
  /** The window of transports that set none. */
  laneWindow: number;
  /** The dispatcher's stop(): rows are no longer sent, sends in flight are aborted. */
  signal: AbortSignal;
  /** A gated endpoint answered again: rows it held wait unclaimed. */
  onReopened: () => void;
  onError?: (error: unknown) => void;
}

/**
 * One row's attempt, from outbox row to settled result: its target, its endpoint's gate, the
 * transport, and the verdict on what the transport answered (which also moves the gate).
 */
export class RowAttempts {
  constructor(private readonly deps: RowAttemptsDeps) {}

  /**
   * Prepares one row (its target, its endpoint's gate) and hands it to the transport; `sent`
   * says whether it went out. The transport call happens synchronously at the end, so rows
   * begun one after the other are queued on the wire in that order.
   */
  async begin(row: OutboxRow): Promise<Begun> {
    const now = this.deps.clock.now();
    if (this.deps.signal.aborted) return notSent(row, { id: row.id, kind: 'release', firstFailedAt: null });
    let target: Awaited<ReturnType<DeliveryTargets['resolve']>>;
    try {
      target = await this.deps.targets.resolve({ appId: row.app_id, workspaceId: row.workspace_id, eventType: row.event_type, target: row.target });
    } catch (error) {
      // The registry being unavailable says nothing about the app: follow the schedule without counting an attempt.
      this.deps.onError?.(error);
      const scheduled = retryResult(row, now, { kind: 'retry', error: 'target_unavailable' });
      return notSent(row, scheduled.result, scheduled.outcome);
    }
    if (!target) return notSent(row, { id: row.id, kind: 'cancelled', status: null, error: 'no_target', attempted: false });
    const transport = this.deps.transports[target.transport];
    if (!transport) {
      const scheduled = retryResult(row, now, { kind: 'retry', error: `no_transport_${target.transport}` });
      return notSent(row, scheduled.result, scheduled.outcome);
    }
    const endpoint = transport.endpointKey(target);
    const source = { appId: row.app_id, target: row.target };
    const admission = this.deps.gates.admit(endpoint, source, now);
    if (admission === 'hold') {
      const since = row.first_failed_at ?? this.deps.gates.failingSince(endpoint) ?? now;
      if (scheduleExhausted(since, now)) return notSent(row, { id: row.id, kind: 'failed', status: null, error: 'endpoint_failing', attempted: false });
      return notSent(row, { id: row.id, kind: 'release', firstFailedAt: since });
    }
    const delivery: Delivery = {
      id: row.id,
      appId: row.app_id,
      workspaceId: row.workspace_id,
      eventType: row.event_type,
      channelKey: row.channel_key,
      payload: row.payload,
      retryCount: row.attempts,
      outboundIndex: row.outbound_index,
      target,
    };
    const started = performance.now();
    const sending = transport.send(delivery, this.deps.signal);
    return {
      sent: true,
      window: Math.max(1, transport.laneWindow ?? this.deps.laneWindow),
      attempt: sending.then((outcome) => this.judge(row, endpoint, source, admission === 'probe', now, outcome, performance.now() - started)),
    };
  }

  /** Turns a transport outcome into the row's result and updates its endpoint's gate. */
  private judge(row: OutboxRow, endpoint: string, source: DeliverySource, probe: boolean, now: number, outcome: DeliveryOutcome, latencyMs: number): Attempt {
    // Not attempted (held behind a failed one, or stopped): the row waits, nothing is counted.
    if (outcome.kind === 'held' || (this.deps.signal.aborted && outcome.kind !== 'ok')) {
      this.deps.gates.neutral(endpoint, probe);
      return { row, result: { id: row.id, kind: 'release', firstFailedAt: null }, latencyMs: 0 };
    }
    if (outcome.kind === 'ok') {
      // A reopened endpoint has rows waiting that no claim took: claim them now, not at the next poll.
      if (this.deps.gates.succeeded(endpoint)) this.deps.onReopened();
      return { row, result: { id: row.id, kind: 'delivered', status: outcome.status ?? null }, outcome, latencyMs };
    }
    if (outcome.kind === 'permanent') {
      this.deps.gates.neutral(endpoint, probe);
      return { row, result: { id: row.id, kind: 'failed', status: outcome.status ?? null, error: outcome.error ?? null, attempted: true }, outcome, latencyMs };
    }
    const scheduled = retryResult(row, now, outcome);
    const retryAt = scheduled.result.kind === 'retry' ? scheduled.result.nextAttemptAt : now + RETRY_INTERVAL_MS;
    this.deps.gates.failed(endpoint, source, now, retryAt, probe, outcome.retryAfterMs !== undefined);
    return { row, result: scheduled.result, outcome, latencyMs };
  }
}
