/** Delivery operations: attempts log (written from the dispatcher's result hook), the per-app operations API. */
export { ATTEMPT_RETENTION_MS, AttemptLog, type AttemptLogOptions, type AttemptRecord } from './attempt-log.js';
export { deliveriesRoutes } from './deliveries-routes.js';
export { DeliveriesService, type Reopen } from './deliveries-service.js';
export { DeliveriesStore } from './deliveries-store.js';
export { DeliveryFeed, type FeedEntry, triggerKind } from './delivery-feed.js';
export { DeliveryObserver } from './delivery-observer.js';
