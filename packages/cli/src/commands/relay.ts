import { resolve } from 'node:path';
import { RELAY_DEFAULTS, startRelay } from '@switchboard/relay';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CliError, ExitCode } from '../api/errors.js';
import { action } from '../api/output.js';
import { stopOnSignals } from './stop-on-signals.js';

function integer(min: number, what: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${what} is an integer >= ${min}`);
    return n;
  };
}

const HOUR = 3_600_000;

/** `switchboard relay`: runs the durable webhook relay until SIGTERM/SIGINT. */
export function relayCommand(): Command {
  return new Command('relay')
    .description('Run the webhook relay: apps without a public URL take their events and triggers from it (SQLite by default; PostgreSQL with DATABASE_URL).')
    .addOption(new Option('-p, --port <port>', 'port to listen on').argParser(integer(0, 'a port')).default(RELAY_DEFAULTS.port).env('RELAY_PORT'))
    .addOption(new Option('--host <host>', 'address to bind').default(RELAY_DEFAULTS.host).env('HOST'))
    .addOption(new Option('--data-dir <dir>', 'where the SQLite file lives').default(RELAY_DEFAULTS.dataDir).env('SWITCHBOARD_RELAY_DATA_DIR'))
    .addOption(new Option('--platform-url <url>', 'the platform whose app tokens (JWKS) authenticate apps').env('SWITCHBOARD_PLATFORM_URL'))
    .addOption(
      new Option(
        '--secret-key <key>',
        'seals registration secrets at rest: 32+ bytes, base64 or hex, the same on every node; prefer the variable (a flag shows in ps). Default: generated into --data-dir',
      ).env('SWITCHBOARD_RELAY_SECRET_KEY'),
    )
    .addOption(new Option('--pg-schema <name>', 'PostgreSQL schema of the relay’s tables (with DATABASE_URL)').default('switchboard_relay'))
    .addOption(new Option('--body-limit <bytes>', 'largest hook body').argParser(integer(1024, 'the body limit')).default(RELAY_DEFAULTS.bodyLimit))
    .addOption(new Option('--max-in-flight <n>', 'unacked events per connection').argParser(integer(1, 'max in flight')).default(RELAY_DEFAULTS.maxInFlight))
    .addOption(
      new Option('--ack-timeout <ms>', 'hand an unacked event out again after').argParser(integer(100, 'the ack timeout')).default(RELAY_DEFAULTS.ackTimeoutMs),
    )
    .addOption(new Option('--ping-interval <ms>', 'WebSocket ping period').argParser(integer(100, 'the ping interval')).default(RELAY_DEFAULTS.pingIntervalMs))
    .addOption(new Option('--replay-hours <h>', 'keep acked events for replay this long').argParser(integer(0, 'the replay window')).default(24))
    .addOption(
      new Option('--max-queued <n>', 'queued events kept per app (oldest dropped beyond)')
        .argParser(integer(1, 'max queued'))
        .default(RELAY_DEFAULTS.maxQueuedEvents),
    )
    .addOption(new Option('--max-age-hours <h>', 'queued events older than this are dropped').argParser(integer(1, 'the max age')).default(7 * 24))
    .addOption(
      new Option('--registrations-per-minute <n>', 'registration calls per client IP')
        .argParser(integer(1, 'the limit'))
        .default(RELAY_DEFAULTS.registrationsPerMinute),
    )
    .addOption(
      new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').env('LOG_LEVEL'),
    )
    .option('--allow-unauthenticated', 'accept consumers without a token (local development only)')
    .action(
      action(async (options) => {
        if (!options.platformUrl && !options.allowUnauthenticated) {
          throw new CliError(
            'The relay needs --platform-url: app tokens are verified with that platform’s keys.',
            ExitCode.Usage,
            'Pass --platform-url http://localhost:8080 (or set SWITCHBOARD_PLATFORM_URL); --allow-unauthenticated is for local development only.',
          );
        }
        const databaseUrl = process.env.DATABASE_URL || undefined;
        const { relay, url } = await startRelay({
          port: options.port,
          host: options.host,
          dataDir: resolve(options.dataDir),
          databaseUrl,
          pgSchema: options.pgSchema,
          secretKey: options.secretKey,
          platformUrl: options.platformUrl,
          allowUnauthenticated: options.allowUnauthenticated === true,
          bodyLimit: options.bodyLimit,
          maxInFlight: options.maxInFlight,
          ackTimeoutMs: options.ackTimeout,
          pingIntervalMs: options.pingInterval,
          replayRetentionMs: options.replayHours * HOUR,
          maxQueuedEvents: options.maxQueued,
          maxQueuedAgeMs: options.maxAgeHours * HOUR,
          registrationsPerMinute: options.registrationsPerMinute,
          logLevel: options.logLevel,
        }).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'EADDRINUSE')
            throw new CliError(`Port ${options.port} on ${options.host} is already in use.`, ExitCode.Usage, 'Pass --port <another port>.');
          throw error;
        });
        // SIGTERM: in-flight ingests finish (committed before their 201), sockets close with 1001.
        stopOnSignals(async (signal) => {
          relay.log.info({ signal }, 'relay shutting down');
          await relay.close();
        });
        const where = relay.store.dialect === 'sqlite' ? resolve(options.dataDir, 'relay.db') : `PostgreSQL (DATABASE_URL, schema ${options.pgSchema})`;
        process.stdout.write(`Relay listening on ${url} (store: ${where}). Platforms deliver to ${url}/hook/<appId>.\n`);
      }),
    );
}
