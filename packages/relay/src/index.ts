/**
 * @switchboard/relay — the durable webhook relay (PROTOCOL.md 9, seed 004): apps with no public URL
 * receive what the platform sends them; nothing answered 2xx is lost.
 */
export { type AppIdentity, AppTokenVerifier } from './auth/app-token-verifier.js';
export { RELAY_DEFAULTS, type RelayOptions, type ResolvedRelayOptions, resolveRelayOptions } from './config.js';
export { TOKEN_EXPIRED_CLOSE } from './consumers/ws-session.js';
export { buildRelay, type Relay, startRelay } from './server.js';
export { DEFAULT_PG_SCHEMA, dropRelaySchema } from './store/open-store.js';
