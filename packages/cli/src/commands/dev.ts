import { Command, InvalidArgumentError, Option } from 'commander';
import { action } from '../api/output.js';
import { say } from '../dev/dev-output.js';
import { DevSession } from '../dev/dev-session.js';
import { stopOnSignals } from './stop-on-signals.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is an integer from 0 to 65535');
  return n;
}

interface DevFlags {
  port: number;
  host: string;
  appPort?: number;
  appUrl?: string;
  platform?: string;
  command?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** `switchboard dev`: the app of this folder against an embedded (or remote) platform, live. */
export function devCommand(): Command {
  return new Command('dev')
    .description('Run the app of this folder (manifest.json) against an embedded platform: registered, installed, restarted on change, deliveries shown live.')
    .addOption(new Option('-p, --port <port>', "the embedded platform's port (0 picks a free one)").argParser(port).default(8080))
    .addOption(new Option('--host <host>', "the embedded platform's address").default('127.0.0.1'))
    .addOption(new Option('--app-port <port>', "where the platform delivers to the app (default: manifest.json's port when free; 0 picks any)").argParser(port))
    .option('--app-url <url>', 'the base URL a remote platform reaches this app at (default: this machine on --app-port)')
    .option('--platform <url>', 'use this Switchboard instead of an embedded one (sign in first: switchboard login)')
    .option('--command <command>', 'start the app with this shell command (default: src/main.ts or index.ts through tsx)')
    .addOption(
      new Option('--log-level <level>', "the embedded platform's log level")
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('warn'),
    )
    .action(
      action(async (flags: DevFlags) => {
        const session = new DevSession({ cwd: process.cwd(), ...flags });
        // Whatever way this process ends, the app's process group ends with it.
        process.once('exit', () => session.killApp());
        // Signals first: a Ctrl-C during start-up must still stop what has started.
        stopOnSignals(async (signal) => {
          say(`${signal}: stopping the app and the platform`);
          await session.stop();
        });
        try {
          await session.start();
        } catch (error) {
          await session.stop();
          throw error;
        }
      }),
    );
}
