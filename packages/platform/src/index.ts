export { type PasswordReset, resetPassword } from './auth/reset-password.js';
export type { Clock } from './clock.js';
export { type ClusterBus, PgClusterBus, SingleNodeBus } from './cluster/index.js';
export { defaultConfig, type PlatformConfig } from './config.js';
export { createPlatform, type Platform, type PlatformOptions } from './platform.js';
export { dropPostgresSchema, openStore, type Store } from './store/db.js';
