import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlatform, defaultConfig, dropPostgresSchema, openStore, type Platform, type PlatformConfig } from '@switchboard/platform';

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

export interface TestPlatform {
  url: string;
  platform: Platform;
  stop(): Promise<void>;
}

/** A real platform on loopback with the demo workspace (alice, bob), in a temp SQLite file. */
export async function startTestPlatform(config: Partial<PlatformConfig> = {}, dialect: Dialect = 'sqlite'): Promise<TestPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-cli-platform-'));
  const pgSchema = dialect === 'postgres' ? `cli_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}` : undefined;
  const postgres = pgSchema ? { databaseUrl: POSTGRES_URL, pgSchema } : {};
  const platform = await createPlatform(
    defaultConfig({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      databaseUrl: undefined,
      secretKey: Buffer.alloc(32, 9).toString('base64'),
      logLevel: 'silent',
      seedDemo: true,
      demoPassword: PASSWORD,
      allowPrivateTargets: true,
      ...postgres,
      ...config,
    }),
  );
  const url = await platform.listen();
  return {
    url,
    platform,
    async stop() {
      await platform.close();
      if (pgSchema) await dropPostgresSchema(POSTGRES_URL, pgSchema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
