import { tmpdir } from 'node:os';
import { dropPostgresSchema, openStore, type PlatformConfig } from '@switchboard/platform';
import { startPlatform, type TestPlatform } from '../../../platform/test/harness.js';

export const PASSWORD = 'cli-test-password-1';
const POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export type Dialect = 'sqlite' | 'postgres';

let postgres: Promise<boolean> | undefined;

/** SQLite always; PostgreSQL when it answers (in CI its absence is a failure, not a skip). */
export async function dialects(): Promise<Dialect[]> {
  postgres ??= (async () => {
    const schema = `cli_probe_${process.pid}`;
    try {
      const store = await openStore({ databaseUrl: POSTGRES_URL, dataDir: tmpdir(), pgSchema: schema });
      await store.close();
      await dropPostgresSchema(POSTGRES_URL, schema);
      return true;
    } catch (error) {
      if (process.env.CI) throw new Error(`PostgreSQL is required in CI but unreachable at ${POSTGRES_URL}: ${String(error)}`);
      console.warn(`[switchboard tests] PostgreSQL unreachable at ${POSTGRES_URL}: the postgres suite is SKIPPED.`);
      return false;
    }
  })();
  return (await postgres) ? ['sqlite', 'postgres'] : ['sqlite'];
}

export type { TestPlatform } from '../../../platform/test/harness.js';

/** A real platform on loopback with the demo workspace (alice, bob), in a temp SQLite file or PostgreSQL schema. */
export async function startTestPlatform(config: Partial<PlatformConfig> = {}, dialect: Dialect = 'sqlite'): Promise<TestPlatform> {
  return startPlatform({ dialect, config: { demoPassword: PASSWORD, ...config } });
}
