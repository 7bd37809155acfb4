import type { Logger } from 'pino';

/** Everything `buildRelay` / `startRelay` accepts; only storage and the platform URL have no default. */
export interface RelayOptions {
  /** Default 8090; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** SQLite file lives here (`relay.db`). Default `.switchboard-relay`. */
  dataDir?: string;
  /** `postgres://…`: PostgreSQL instead of SQLite, shared by several relay nodes. */
  databaseUrl?: string;
  /** PostgreSQL schema of the relay's tables. Default `switchboard_relay`. */
  pgSchema?: string;
  /**
   * Seals registration secrets at rest (AES-256-GCM): 32+ random bytes, base64 or hex
   * (`SWITCHBOARD_RELAY_SECRET_KEY`); every node of a PostgreSQL cluster needs the same one.
   * Without it, SQLite generates one into `<dataDir>/secret.key` (0600); PostgreSQL stores the
   * secrets unsealed (with a warning at start).
   */
  secretKey?: string;
  /** The platform whose app-identity JWTs (PROTOCOL.md 4.3) authenticate apps; its JWKS is fetched from here. */
  platformUrl?: string;
  /** Development only: accept consumers without a token. Refused unless set explicitly. */
  allowUnauthenticated?: boolean;
  /** Expected `iss` / `aud` of app tokens. Defaults: the platform's (`switchboard`, `switchboard:api`). */
  tokenIssuer?: string;
  tokenAudience?: string;
  /** Largest accepted hook body. Default 1 MB. */
  bodyLimit?: number;
  /** Unacked events in flight per connection. Default 100. */
  maxInFlight?: number;
  /** An event not acked this long after it was handed out is handed out again. Default 30 s. */
  ackTimeoutMs?: number;
  /** WebSocket ping period; a connection that misses two is dropped. Default 20 s. */
  pingIntervalMs?: number;
  /** How long a trigger waits for the app's reply. Default 2.5 s (the platform gives up at 3 s). */
  triggerDeadlineMs?: number;
  /** Pumble signature timestamps further off than this are refused. Default 5 minutes. */
  timestampToleranceMs?: number;
  /** Acked events kept for replay. Default 24 h. */
  replayRetentionMs?: number;
  /** Queued (unacked) events kept per app; the oldest are dropped beyond it. Default 100 000. */
  maxQueuedEvents?: number;
  /** Queued events older than this are dropped. Default 7 days. */
  maxQueuedAgeMs?: number;
  /** How often retention runs. Default 10 s. */
  sweepIntervalMs?: number;
  /** Fallback poll for events ingested elsewhere and expired leases. Default 1 s. */
  pollIntervalMs?: number;
  /** Registrations (PUT/DELETE) per client IP and minute. Default 30. */
  registrationsPerMinute?: number;
  /** Default `info`; `silent` for tests. */
  logLevel?: string;
  /** Use this pino logger instead of building one. */
  logger?: Logger;
  /** Names this node in leases and logs. Default a random id. */
  nodeId?: string;
  /** Epoch ms clock, injectable for tests. */
  now?: () => number;
}

export type ResolvedRelayOptions = Required<
  Omit<RelayOptions, 'databaseUrl' | 'pgSchema' | 'platformUrl' | 'logger' | 'nodeId' | 'now' | 'allowUnauthenticated' | 'secretKey'>
> &
  Pick<RelayOptions, 'databaseUrl' | 'pgSchema' | 'platformUrl' | 'logger' | 'secretKey'> & {
    allowUnauthenticated: boolean;
    nodeId: string;
    now: () => number;
  };

export const RELAY_DEFAULTS = {
  port: 8090,
  host: '127.0.0.1',
  dataDir: '.switchboard-relay',
  tokenIssuer: 'switchboard',
  tokenAudience: 'switchboard:api',
  bodyLimit: 1024 * 1024,
  maxInFlight: 100,
  ackTimeoutMs: 30_000,
  pingIntervalMs: 20_000,
  triggerDeadlineMs: 2_500,
  timestampToleranceMs: 5 * 60_000,
  replayRetentionMs: 24 * 3_600_000,
  maxQueuedEvents: 100_000,
  maxQueuedAgeMs: 7 * 24 * 3_600_000,
  sweepIntervalMs: 10_000,
  pollIntervalMs: 1_000,
  registrationsPerMinute: 30,
  logLevel: 'info',
} as const;

/** Fills defaults and fails loudly on a configuration that could not work. */
export function resolveRelayOptions(options: RelayOptions): ResolvedRelayOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as RelayOptions;
  const resolved: ResolvedRelayOptions = {
    ...RELAY_DEFAULTS,
    ...defined,
    allowUnauthenticated: defined.allowUnauthenticated === true,
    nodeId: defined.nodeId ?? `relay-${Math.random().toString(36).slice(2, 10)}`,
    now: defined.now ?? Date.now,
  };
  if (!resolved.platformUrl && !resolved.allowUnauthenticated) {
    throw new Error('The relay needs --platform-url (whose JWKS verifies app tokens), or allowUnauthenticated for local development.');
  }
  if (resolved.platformUrl) new URL(resolved.platformUrl);
  for (const key of ['bodyLimit', 'maxInFlight', 'ackTimeoutMs', 'pingIntervalMs', 'triggerDeadlineMs', 'sweepIntervalMs', 'pollIntervalMs'] as const) {
    if (!(Number.isFinite(resolved[key]) && resolved[key] > 0)) throw new Error(`Relay option ${key} must be a positive number.`);
  }
  return resolved;
}
