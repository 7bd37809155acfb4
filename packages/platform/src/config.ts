import { resolve } from 'node:path';

/** Everything a platform node needs to start; the CLI builds it from flags and environment. */
export interface PlatformConfig {
  port: number;
  host: string;
  /** Where the SQLite file and the generated server key live. */
  dataDir: string;
  /** `postgres://…` switches the store to PostgreSQL. */
  databaseUrl?: string;
  /** PostgreSQL schema (tests give each run its own). */
  pgSchema?: string;
  /** Master key material (`SWITCHBOARD_SECRET_KEY`); generated into `dataDir` when absent. */
  secretKey?: string;
  /** The public base URL (for links, the socket URL, OAuth issuer); defaults to the bound address. */
  publicUrl?: string;
  /** Maximum request body in bytes. */
  bodyLimit: number;
  /** Lifetime of the person JWT (`Authtoken`) in seconds. */
  personTokenTtlSeconds: number;
  /** Lifetime of refresh tokens and browser sessions in seconds. */
  sessionTtlSeconds: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Pretty logs (a TTY) or JSON lines. */
  prettyLogs: boolean;
  /** Create the demo workspace when the store is empty. */
  seedDemo: boolean;
  /** Per-attempt deadline of event deliveries in ms (PROTOCOL.md: 10 s). */
  eventTimeoutMs: number;
  /** How long an app has to answer a trigger in ms (PROTOCOL.md 6.3: 3 s). */
  triggerTimeoutMs: number;
  /** How long a clicked element shows as loading unless the app completes it or the element sets `loadingTimeout`. */
  interactionLoadingTimeoutMs: number;
  /** Shortcuts, clicks, menu queries and view actions one person may start per minute, per route (each calls an app). */
  triggerRateLimitPerMinute: number;
  /**
   * Event deliveries of one app+channel lane in flight at once. 1 (default): strict order, a
   * failing event holds everything behind it. N > 1: up to N pipelined in order on the lane's
   * connection, faster on busy channels, but when an app rejects one event, up to N-1 already
   * sent after it may arrive before its retry.
   */
  deliveryLaneWindow: number;
  /**
   * Sends HTTP event deliveries from a worker thread (default on; `SWITCHBOARD_DELIVERY_WORKER=0`
   * keeps them on the main thread). Applies with lane window 1 and the system clock.
   */
  deliveryWorker: boolean;
  /**
   * The same for socket-mode apps (default 16): a lane stays on one connection, which keeps
   * order, so only a nacked event can be overtaken by those already sent behind it.
   */
  socketLaneWindow: number;
  /** Days a settled delivery (delivered, failed, cancelled) stays in the outbox and the operations API; 0 = forever. */
  deliveryRetentionDays: number;
  /** Requests per second one app token may make before 429 + Retry-After. */
  appRateLimitPerSecond: number;
  /** Lifetime of app-identity JWTs (client credentials) in seconds. */
  appTokenTtlSeconds: number;
  /** Redirect URL matching: seed 000's path-segment prefix rule, or exact (RFC 9700) for strict deployments. */
  redirectMatch: 'prefix' | 'exact';
  /**
   * Fallback polling of the outbox in ms (retries coming due, work of other nodes whose
   * wake-up was lost); LISTEN/NOTIFY wakes nodes first. Defaults: 250 ms claims, 1 s socket-mode release.
   */
  deliveryPollIntervalMs?: number;
  /** Password of the demo people; random (and printed once) when absent. */
  demoPassword?: string;
  /**
   * Lets deliveries, triggers and webhook verification reach loopback, private, link-local and
   * other non-public addresses. Off in production (SSRF); tests and `dev` turn it on.
   */
  allowPrivateTargets: boolean;
  /** IPs, CIDRs, host names or `*.suffix`es reachable even when private (comma-separated in the env). */
  outboundAllowlist: string[];
  /** Bearer token for `/metrics`; without one, /metrics only answers loopback clients. */
  metricsToken?: string;
  /** `smtp://[user:pass@]host[:port][?from=addr]` or `smtps://…`: where sign-in codes are mailed; without it they go to the log. */
  smtpUrl?: string;
  /** Largest uploaded file in bytes (`SWITCHBOARD_FILE_SIZE_LIMIT`); a larger upload answers 413. */
  fileSizeLimit: number;
  /** How often a node looks for scheduled messages that came due, in ms. */
  scheduledPollIntervalMs: number;
}

const envFlag = (value: string | undefined) => value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
const envList = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

export function defaultConfig(overrides: Partial<PlatformConfig> = {}): PlatformConfig {
  return {
    port: 8080,
    host: '127.0.0.1',
    dataDir: resolve(process.env.SWITCHBOARD_DATA_DIR ?? '.switchboard'),
    databaseUrl: process.env.DATABASE_URL || undefined,
    secretKey: process.env.SWITCHBOARD_SECRET_KEY || undefined,
    bodyLimit: 1024 * 1024,
    personTokenTtlSeconds: 15 * 60,
    sessionTtlSeconds: 30 * 24 * 3600,
    logLevel: 'info',
    prettyLogs: false,
    seedDemo: false,
    appTokenTtlSeconds: 3600,
    eventTimeoutMs: 10_000,
    triggerTimeoutMs: 3_000,
    interactionLoadingTimeoutMs: 10_000,
    triggerRateLimitPerMinute: 600,
    deliveryLaneWindow: Math.max(1, Math.floor(Number(process.env.SWITCHBOARD_DELIVERY_LANE_WINDOW ?? 1)) || 1),
    deliveryWorker: process.env.SWITCHBOARD_DELIVERY_WORKER !== '0',
    socketLaneWindow: Math.max(1, Math.floor(Number(process.env.SWITCHBOARD_SOCKET_LANE_WINDOW ?? 16)) || 1),
    deliveryRetentionDays: Math.max(0, Number(process.env.SWITCHBOARD_DELIVERY_RETENTION_DAYS ?? 7) || 0),
    appRateLimitPerSecond: Number(process.env.SWITCHBOARD_APP_RATE_LIMIT ?? 500),
    redirectMatch: process.env.SWITCHBOARD_REDIRECT_MATCH === 'exact' ? 'exact' : 'prefix',
    demoPassword: process.env.SWITCHBOARD_DEMO_PASSWORD || undefined,
    allowPrivateTargets: envFlag(process.env.SWITCHBOARD_ALLOW_PRIVATE_TARGETS),
    outboundAllowlist: envList(process.env.SWITCHBOARD_OUTBOUND_ALLOWLIST),
    metricsToken: process.env.SWITCHBOARD_METRICS_TOKEN || undefined,
    smtpUrl: process.env.SWITCHBOARD_SMTP_URL || undefined,
    fileSizeLimit: Math.max(1, Number(process.env.SWITCHBOARD_FILE_SIZE_LIMIT ?? 100 * 1024 * 1024) || 100 * 1024 * 1024),
    scheduledPollIntervalMs: 1_000,
    ...overrides,
  };
}
