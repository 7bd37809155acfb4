import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CliError, ExitCode } from '../api/errors.js';
import { action } from '../api/output.js';
import { stopOnSignals } from './stop-on-signals.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is an integer from 0 to 65535');
  return n;
}

function bytes(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1024) throw new InvalidArgumentError('the body limit is an integer number of bytes (>= 1024)');
  return n;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** `switchboard serve`: runs a platform node until SIGTERM/SIGINT. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('Run the Switchboard platform (embedded SQLite by default; PostgreSQL when DATABASE_URL is set).')
    .addOption(new Option('-p, --port <port>', 'port to listen on').argParser(port).default(8080).env('PORT'))
    .addOption(new Option('--host <host>', 'address to bind').default('127.0.0.1').env('HOST'))
    .addOption(new Option('--data-dir <dir>', 'where the SQLite file and server key live').default('.switchboard').env('SWITCHBOARD_DATA_DIR'))
    .addOption(new Option('--public-url <url>', 'base URL people and apps reach this node at').env('SWITCHBOARD_PUBLIC_URL'))
    .addOption(new Option('--body-limit <bytes>', 'maximum request body').argParser(bytes).default(1024 * 1024))
    .addOption(
      new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').env('LOG_LEVEL'),
    )
    .option('--no-seed', 'do not create the demo workspace on an empty store')
    .option(
      '--allow-private-targets',
      'let deliveries, triggers and webhook checks reach loopback/private addresses (development only; env SWITCHBOARD_ALLOW_PRIVATE_TARGETS=1)',
    )
    .option('--outbound-allowlist <list>', 'comma-separated IPs, CIDRs or host names reachable even when private (env SWITCHBOARD_OUTBOUND_ALLOWLIST)', list)
    .action(
      action(async (options) => {
        // Loaded when serving, so `switchboard --help` and the other commands start fast.
        const { createPlatform, defaultConfig } = await import('@switchboard/platform');
        const config = defaultConfig({
          port: options.port,
          host: options.host,
          dataDir: resolve(options.dataDir),
          publicUrl: options.publicUrl,
          bodyLimit: options.bodyLimit,
          logLevel: options.logLevel,
          // Human-readable in a terminal, JSON lines for a log collector.
          prettyLogs: Boolean(process.stdout.isTTY),
          seedDemo: options.seed !== false,
          // Absent flags keep the environment's value (read by defaultConfig).
          ...(options.allowPrivateTargets === true ? { allowPrivateTargets: true } : {}),
          ...(options.outboundAllowlist ? { outboundAllowlist: options.outboundAllowlist } : {}),
        });
        const platform = await createPlatform(config);
        // Signals before listening: a SIGTERM during start-up still closes the store.
        stopOnSignals(async (signal) => {
          platform.app.log.info({ signal }, 'shutting down');
          await platform.close();
        });
        const url = await platform.listen().catch(async (error: NodeJS.ErrnoException) => {
          await platform.close().catch(() => {});
          if (error.code === 'EADDRINUSE') {
            throw new CliError(
              `Port ${options.port} on ${options.host} is already in use.`,
              ExitCode.Usage,
              'Pass --port <another port> (or set PORT), or stop what listens there.',
            );
          }
          throw error;
        });
        // The delivery worker boots now rather than with the first event, which would wait for it.
        const transport = platform.services.httpTransport;
        if ('warm' in transport) transport.warm();
        const store = platform.services.store;
        const where = store.dialect === 'sqlite' ? store.sqlitePath : 'PostgreSQL (DATABASE_URL)';
        process.stdout.write(`Switchboard is listening on ${url} (store: ${where})\n`);
        if (config.allowPrivateTargets) {
          process.stdout.write('Outbound deliveries may reach private and loopback addresses (--allow-private-targets): do not expose this node.\n');
        }
        if (platform.demo) {
          process.stdout.write('Created the demo workspace "Demo" with alice@example.com (owner) and bob@example.com, channel #general.\n');
          if (platform.demo.generated) process.stdout.write(`Their password (shown once): ${platform.demo.password}\n`);
        }
      }),
    );
}
