import { randomBytes } from 'node:crypto';
import { DELIVERY_ID_HEADER, SwitchboardError, signOutbound, TRIGGER_MESSAGE_TYPES } from '@switchboard/protocol';
import type { Logger } from 'pino';
import type { WakeBus } from '../cluster/wake-bus.js';
import type { ConsumerHub } from '../consumers/consumer-hub.js';
import type { TriggerRelay } from '../consumers/trigger-relay.js';
import type { RelayMetrics } from '../ops/relay-metrics.js';
import type { Registrations } from '../registrations/registrations.js';
import type { EventsStore, StoredEvent } from '../store/events-store.js';
import { checkHookSignature } from './hook-signature.js';

export type IngestOutcome =
  | { kind: 'stored'; id: string; duplicate: boolean }
  /** The Watson enable challenge, answered by the relay itself (seed 003). */
  | { kind: 'challenge'; body: string; token: string }
  | { kind: 'trigger'; status: number; body: unknown };

export interface IngestOptions {
  timestampToleranceMs: number;
  now: () => number;
}

/** Headers never kept with an event: hop-by-hop, or credentials of whoever called the relay. */
const DROPPED_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'authorization',
  'proxy-authorization',
  'cookie',
]);

export function keptHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || DROPPED_HEADERS.has(name)) continue;
    kept[name] = typeof value === 'string' ? value : value.join(', ');
  }
  return kept;
}

/** This process's part of every event id it makes (48 random bits): ids from several nodes never collide. */
const PROCESS_TAG = randomBytes(6).toString('hex');
let sequence = 0;

/** Time-ordered and unique: `evt_` + ms since epoch (base 36) + the process tag + a counter. */
export function newEventId(now: number): string {
  sequence = (sequence + 1) % 1_679_616;
  return `evt_${now.toString(36).padStart(9, '0')}${PROCESS_TAG}${sequence.toString(36).padStart(4, '0')}`;
}

function parseObject(body: Buffer): Record<string, unknown> | undefined {
  // Only bodies that open like a JSON object are parsed (classification needs `messageType`/`type`).
  if (body.length === 0 || body[0] !== 0x7b) return undefined;
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `POST /hook/:appId`: verify, then answer the challenge, relay a trigger, or commit the event
 * durably before the caller's 201. The bytes and headers are kept exactly as received.
 */
export class IngestService {
  constructor(
    private readonly registrations: Registrations,
    private readonly events: EventsStore,
    private readonly hub: ConsumerHub,
    private readonly triggers: TriggerRelay,
    private readonly bus: WakeBus,
    private readonly metrics: RelayMetrics,
    private readonly options: IngestOptions,
    private readonly log: Logger,
  ) {}

  async ingest(appId: string, rawHeaders: Record<string, string | string[] | undefined>, body: Buffer): Promise<IngestOutcome> {
    this.metrics.received.inc();
    const secrets = await this.registrations.keys(appId);
    if (!secrets) {
      this.metrics.rejected.inc({ reason: 'unregistered' });
      throw new SwitchboardError('not_found', 'No app is registered with the relay under that id.');
    }
    const now = this.options.now();
    const signature = checkHookSignature(rawHeaders, body, secrets, now, this.options.timestampToleranceMs);
    if (!signature.ok) {
      this.metrics.rejected.inc({ reason: signature.code });
      throw new SwitchboardError(signature.code, signature.message);
    }
    const headers = keptHeaders(rawHeaders);
    const parsed = parseObject(body);
    if (signature.scheme === 'watson' && parsed?.type === 'verification' && typeof parsed.challenge === 'string') {
      const answer = JSON.stringify({ response: parsed.challenge });
      return { kind: 'challenge', body: answer, token: signOutbound(signature.secret, answer) };
    }
    if (signature.scheme === 'pumble' && typeof parsed?.messageType === 'string' && TRIGGER_MESSAGE_TYPES.has(parsed.messageType)) {
      const answer = await this.triggers.forward(appId, body, headers);
      if (!answer) return { kind: 'trigger', status: 503, body: { code: 'unavailable', message: 'The app is not connected to the relay.' } };
      return { kind: 'trigger', ...answer };
    }
    return this.store(appId, headers, body, now);
  }

  private async store(appId: string, headers: Record<string, string>, body: Buffer, now: number): Promise<IngestOutcome> {
    const event = {
      id: newEventId(now),
      appId,
      receivedAt: now,
      body,
      headers,
      deliveryId: headers[DELIVERY_ID_HEADER] || null,
      outboundIndex: headers['x-outbound-index'] || null,
    };
    const reserved = this.hub.leaseForNew(appId);
    let stored: { id: string; inserted: boolean };
    try {
      stored = await this.events.insert(event, reserved?.lease);
    } catch (error) {
      if (reserved) this.hub.cancelLease(reserved);
      throw error;
    }
    if (!stored.inserted) {
      if (reserved) this.hub.cancelLease(reserved);
      this.log.debug({ appId, eventId: stored.id }, 'redelivery of a queued delivery id stored once');
      return { kind: 'stored', id: stored.id, duplicate: true };
    }
    this.metrics.stored.inc();
    if (reserved) {
      const storedEvent: StoredEvent = { ...event, seq: 0, state: 'queued', ackedAt: null, attempts: 1 };
      this.hub.deliverLeased(reserved, storedEvent);
    } else {
      // Consumers here or on another node (PostgreSQL) pick it up from the queue.
      this.hub.wake(appId);
      this.bus.notify(appId);
    }
    return { kind: 'stored', id: stored.id, duplicate: false };
  }
}
