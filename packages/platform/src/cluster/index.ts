/** Wake-ups between platform nodes sharing one PostgreSQL schema (LISTEN/NOTIFY); a no-op on SQLite. */
export { type ClusterBus, type ClusterHandler, type ClusterMessage, SingleNodeBus } from './cluster-bus.js';
export { channelFor, PgClusterBus, type PgClusterBusOptions } from './pg-cluster-bus.js';
