/**
 * One relay node for the benchmark (SQLite in BENCH_DATA_DIR, or PostgreSQL with BENCH_PG_URL and
 * BENCH_PG_SCHEMA); no auth (the JWT check is one cached map lookup per connection, not per event).
 */
import { buildRelay, dropRelaySchema } from '@switchboard/relay';

const pgUrl = process.env.BENCH_PG_URL || undefined;
const pgSchema = process.env.BENCH_PG_SCHEMA || undefined;
const relay = await buildRelay({
  port: 0,
  host: '127.0.0.1',
  dataDir: process.env.BENCH_DATA_DIR ?? '.bench-relay',
  databaseUrl: pgUrl,
  pgSchema,
  allowUnauthenticated: true,
  logLevel: 'warn',
  maxInFlight: Number(process.env.BENCH_MAX_IN_FLIGHT ?? 500),
});
process.stdout.write(`${JSON.stringify({ url: await relay.listen() })}\n`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await relay.close();
  if (pgUrl && pgSchema) await dropRelaySchema(pgUrl, pgSchema);
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
