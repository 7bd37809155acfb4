/**
 * Runs one platform node for a benchmark in its own process, so the server and the load
 * generator do not share an event loop. Configured by the parent through BENCH_* variables;
 * prints `{"url": …}` as one JSON line once listening. On SIGTERM/SIGINT, or when its stdin
 * closes because the parent died, it closes the platform (which also lets `--cpu-prof` write
 * its profile) and removes its own data, so an interrupted run leaves no schema or temp dir.
 * With BENCH_SHARED_SCHEMA=1 it is a second node on the first one's schema: it leaves the schema
 * (and, finding the store seeded, does not seed it again).
 */
import { rmSync } from 'node:fs';
import { createPlatform, defaultConfig, dropPostgresSchema } from '@switchboard/platform';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`serve-child: ${name} is not set`);
  return value;
}

const postgres = process.env.BENCH_DIALECT === 'postgres';
const dataDir = required('BENCH_DATA_DIR');
const pgUrl = postgres ? required('BENCH_PG_URL') : undefined;
const pgSchema = postgres ? required('BENCH_PG_SCHEMA') : undefined;
/** A second node of one deployment: the schema belongs to the first node, which drops it. */
const sharedSchema = process.env.BENCH_SHARED_SCHEMA === '1';
const platform = await createPlatform(
  defaultConfig({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    // Explicit undefined: an inherited DATABASE_URL must not turn the SQLite run into a Postgres one.
    databaseUrl: pgUrl,
    pgSchema,
    secretKey: Buffer.alloc(32, 7).toString('base64'),
    // 'warn' keeps the request log out of the measurement while still surfacing real trouble.
    logLevel: 'warn',
    prettyLogs: false,
    seedDemo: true,
    // Benchmarks measure the request path, not the per-token limiter (tested separately).
    appRateLimitPerSecond: 1_000_000,
    demoPassword: required('BENCH_DEMO_PASSWORD'),
    // The receiving apps listen on loopback, which a production platform refuses to call.
    allowPrivateTargets: true,
  }),
);
const url = await platform.listen();
process.stdout.write(`${JSON.stringify({ url })}\n`);

let stopping = false;
async function shutdown(): Promise<void> {
  await platform.close();
  if (pgUrl && pgSchema && !sharedSchema) await dropPostgresSchema(pgUrl, pgSchema);
  rmSync(dataDir, { recursive: true, force: true });
}
/** Idempotent: a signal and the stdin EOF often arrive together. */
function stop(): void {
  if (stopping) return;
  stopping = true;
  shutdown().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('serve-child: shutdown failed', error);
      process.exit(1);
    },
  );
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop).resume();
