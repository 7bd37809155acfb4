/** Prometheus metrics of a platform node: delivery counters, attempt latency, queue gauges, process metrics. */
export { type AttemptResult, DeliveryMetrics, type DeliveryOutcomeLabel, type QueueProbe } from './delivery-metrics.js';
export { metricsRoutes } from './metrics-routes.js';
