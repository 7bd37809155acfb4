import { resolve } from 'node:path';
import { isSwitchboardError } from '@switchboard/protocol';
import { Command, Option } from 'commander';
import { CliError, ExitCode } from '../api/errors.js';
import { action, out, paint, printJson, usageExitCode } from '../api/output.js';

interface ResetOptions {
  dataDir: string;
  password?: string;
  json?: boolean;
}

function resetCommand(): Command {
  return new Command('reset-password')
    .description("Set a person's password in a local platform's store (prints a new random one unless --password is given); ends their sessions.")
    .argument('<email>', "the person's e-mail address")
    .option('--password <password>', 'the new password (at least 8 characters); default: a random one, printed')
    .addOption(
      new Option('--data-dir <dir>', 'the platform’s data directory, as given to `switchboard serve`').default('.switchboard').env('SWITCHBOARD_DATA_DIR'),
    )
    .option('--json', 'print JSON')
    .action(
      action(async (email: string, options: ResetOptions) => {
        // Like `serve`: PostgreSQL when DATABASE_URL is set, else the SQLite file in --data-dir.
        const store = { dataDir: resolve(options.dataDir), databaseUrl: process.env.DATABASE_URL || undefined };
        // Loaded here: only this command needs the platform (and its native SQLite driver).
        const { resetPassword } = await import('@switchboard/platform');
        const reset = await resetPassword(store, email, options.password).catch((error: unknown) => {
          if (isSwitchboardError(error) && error.code === 'not_found')
            throw new CliError(error.message, ExitCode.NotFound, 'Check the address, and --data-dir / DATABASE_URL point at the right platform.');
          if (isSwitchboardError(error)) throw new CliError(error.message, ExitCode.Usage);
          throw error;
        });
        if (options.json) return printJson(reset.generated ? reset : { ...reset, password: undefined });
        if (reset.generated) out(`New password for ${reset.email}: ${paint('bold', reset.password)}`);
        else out(`Password of ${reset.email} changed.`);
        out(paint('gray', `${reset.endedSessions} session(s) ended; they sign in again with the new password.`));
      }),
    );
}

/** `switchboard users …`: operator tasks on a local platform's people. */
export function usersCommand(): Command {
  return usageExitCode(new Command('users').description('Operator tasks on the people of a local platform.').addCommand(resetCommand()));
}
