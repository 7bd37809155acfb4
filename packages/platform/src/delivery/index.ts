/** Durable event delivery: transactional outbox, dispatcher, seed 003 retry schedule, transports. */
export { DeliveryDispatcher, type DispatcherOptions } from './dispatcher.js';
export { type Admission, EndpointGates } from './endpoint-gates.js';
export { HttpTransport, type HttpTransportOptions, parseRetryAfter } from './http-transport.js';
export { laneKey, type OutboxRow, OutboxStore, type RowResult } from './outbox-store.js';
export { cancelPending, enqueue, type OutboxEntry, PENDING, releaseParked, resetSchedule } from './outbox-writes.js';
export { GIVE_UP_AFTER_MS, MAX_RETRIES, nextAttemptAt, RETRY_INTERVAL_MS, retryOffsetMs, scheduleExhausted } from './retry-schedule.js';
export type { DeliveryTarget, DeliveryTargets, SigningScheme, TargetQuery, TransportName } from './targets.js';
export type { Delivery, DeliveryOutcome, DeliveryTransport } from './transport.js';
export { WorkerHttpTransport, type WorkerHttpTransportOptions } from './worker-transport.js';
