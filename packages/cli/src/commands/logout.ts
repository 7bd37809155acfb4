import { Command } from 'commander';
import { ApiClient } from '../api/client.js';
import { action, out, usageExitCode } from '../api/output.js';
import { people } from '../api/people.js';
import { deleteCredentials, rcPath, readCredentials } from '../credentials/rc-file.js';

/** `switchboard logout`: ends the session on the platform (when it answers) and forgets it here. */
export function logoutCommand(): Command {
  return usageExitCode(
    new Command('logout').description('Sign out: end the session and delete ~/.switchboardrc.').action(
      action(async () => {
        const stored = readCredentials();
        if (!stored) {
          out('You were not signed in.');
          return;
        }
        // Best effort: an unreachable platform or an expired token must not keep the file around.
        await people.logout(ApiClient.forSession({ ...stored, source: 'file' })).catch(() => undefined);
        deleteCredentials();
        out(`Signed out of ${stored.url}; removed ${rcPath()}.`);
      }),
    ),
  );
}
