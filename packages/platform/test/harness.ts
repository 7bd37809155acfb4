import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Clock, createPlatform, defaultConfig, dropPostgresSchema, type Platform, type PlatformConfig } from '../src/index.js';

export type DialectName = 'sqlite' | 'postgres';

export const DEMO_PASSWORD = 'demo-password-123';
const POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

let postgresAvailable: Promise<boolean> | undefined;

/** Whether the local PostgreSQL answers; in CI its absence is a failure, not a skip. */
export function hasPostgres(): Promise<boolean> {
  postgresAvailable ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch (error) {
      if (process.env.CI) throw new Error(`PostgreSQL is required in CI but unreachable at ${POSTGRES_URL}: ${String(error)}`);
      console.warn(`[switchboard tests] PostgreSQL unreachable at ${POSTGRES_URL}: the postgres suite is SKIPPED.`);
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return postgresAvailable;
}

/** Dialects to run a suite against: SQLite always, PostgreSQL when reachable (always in CI). */
export async function dialects(): Promise<DialectName[]> {
  return (await hasPostgres()) ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestPlatform {
  platform: Platform;
  url: string;
  dialect: DialectName;
  config: PlatformConfig;
  stop(): Promise<void>;
}

export interface StartOptions {
  dialect?: DialectName;
  seedDemo?: boolean;
  clock?: Clock;
  config?: Partial<PlatformConfig>;
  /** Reuse a data dir / PostgreSQL schema (restarts, second nodes). */
  dataDir?: string;
  pgSchema?: string;
  /** Keep the data when stopping (the caller cleans up). */
  keepData?: boolean;
}

/** Starts a real platform on loopback: a temp SQLite file or a fresh PostgreSQL schema. */
export async function startPlatform(options: StartOptions = {}): Promise<TestPlatform> {
  const dialect = options.dialect ?? 'sqlite';
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  const pgSchema =
    dialect === 'postgres' ? (options.pgSchema ?? `t_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`) : undefined;
  const config = defaultConfig({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    databaseUrl: dialect === 'postgres' ? POSTGRES_URL : undefined,
    pgSchema,
    secretKey: Buffer.alloc(32, 7).toString('base64'),
    logLevel: 'silent',
    seedDemo: options.seedDemo ?? true,
    demoPassword: DEMO_PASSWORD,
    // Test receivers listen on 127.0.0.1; production refuses private targets (outbound/).
    allowPrivateTargets: true,
    ...options.config,
  });
  let platform: Platform;
  try {
    platform = await createPlatform(config, { clock: options.clock });
  } catch (error) {
    if (pgSchema && !options.keepData) await dropPostgresSchema(POSTGRES_URL, pgSchema);
    throw error;
  }
  const url = await platform.listen();
  return {
    platform,
    url,
    dialect,
    config,
    async stop() {
      await platform.close();
      if (options.keepData) return;
      if (pgSchema) await dropPostgresSchema(POSTGRES_URL, pgSchema);
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Session {
  token: string;
  refreshToken: string;
  workspaceId: string;
  workspaceUserId: string;
  cookie: string;
}

/** Signs a demo person in over HTTP. */
export async function login(url: string, email: string, password = DEMO_PASSWORD): Promise<Session> {
  const response = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as Omit<Session, 'cookie'>;
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
  return { ...body, cookie };
}

/** A JSON API call as a signed-in person; returns status and parsed body. */
export async function call<T = unknown>(url: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authtoken: token, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}
