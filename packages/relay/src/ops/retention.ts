import type { Logger } from 'pino';
import type { EventsStore } from '../store/events-store.js';
import type { RelayMetrics } from './relay-metrics.js';

export interface RetentionOptions {
  replayRetentionMs: number;
  maxQueuedEvents: number;
  maxQueuedAgeMs: number;
  now: () => number;
}

/**
 * One retention pass: acked events past the replay window are deleted; queued events past the
 * age limit, or beyond an app's count limit (oldest first), are dropped — counted and logged,
 * never silently.
 */
export async function enforceRetention(events: EventsStore, metrics: RelayMetrics, options: RetentionOptions, log: Logger): Promise<void> {
  const now = options.now();
  await events.purgeAcked(now - options.replayRetentionMs);
  const aged = await events.dropQueuedOlderThan(now - options.maxQueuedAgeMs);
  for (const [appId, count] of aged) {
    metrics.dropped.inc({ reason: 'max_age' }, count);
    log.warn({ appId, dropped: count, maxAgeMs: options.maxQueuedAgeMs }, 'queued events dropped: older than the retention age');
  }
  for (const { appId, depth } of await events.queueStats()) {
    if (depth <= options.maxQueuedEvents) continue;
    const count = await events.dropQueuedBeyond(appId, options.maxQueuedEvents);
    if (count === 0) continue;
    metrics.dropped.inc({ reason: 'max_events' }, count);
    log.warn({ appId, dropped: count, maxEvents: options.maxQueuedEvents }, 'queued events dropped: the app’s queue is over its limit (oldest first)');
  }
}
