/**
 * A platform node for crash-safety.test.ts: createPlatform on CRASH_DATA_DIR (SQLite), prints
 * `{"url": …}` once listening. The test kills it with SIGKILL and starts it again on the same dir.
 */
import { createPlatform, defaultConfig } from '../../src/index.js';

const dataDir = process.env.CRASH_DATA_DIR;
if (!dataDir) throw new Error('crash-child: CRASH_DATA_DIR is not set');
const platform = await createPlatform(
  defaultConfig({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    databaseUrl: undefined,
    secretKey: Buffer.alloc(32, 7).toString('base64'),
    logLevel: 'silent',
    seedDemo: process.env.CRASH_SEED === '1',
    demoPassword: process.env.CRASH_DEMO_PASSWORD ?? 'crash-demo-password-1',
    appRateLimitPerSecond: 1_000_000,
    // The receiver listens on loopback, which a production platform refuses to call.
    allowPrivateTargets: true,
  }),
);
process.stdout.write(`${JSON.stringify({ url: await platform.listen() })}\n`);
const stop = () => void platform.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', stop).resume();
