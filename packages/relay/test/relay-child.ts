/**
 * A relay in its own process (SQLite in RELAY_DATA_DIR, no auth) so a test can SIGKILL it; prints
 * `{"url": …}` once listening.
 */
import { buildRelay } from '../src/index.js';

const relay = await buildRelay({
  port: Number(process.env.RELAY_PORT ?? 0),
  host: '127.0.0.1',
  dataDir: process.env.RELAY_DATA_DIR ?? '.relay-child',
  allowUnauthenticated: true,
  logLevel: 'silent',
  ackTimeoutMs: 2_000,
  maxInFlight: 200,
});
process.stdout.write(`${JSON.stringify({ url: await relay.listen() })}\n`);
