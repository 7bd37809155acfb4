import { Command } from 'commander';
import { ApiClient } from '../api/client.js';
import { action, out, paint, printJson, usageExitCode } from '../api/output.js';
import { people } from '../api/people.js';
import { currentSession } from '../credentials/session.js';

/** `switchboard whoami`: the platform, workspace and person this CLI acts as. */
export function whoamiCommand(): Command {
  return usageExitCode(
    new Command('whoami')
      .description('Show who you are signed in as.')
      .option('--json', 'print JSON')
      .action(
        action(async (options: { json?: boolean }) => {
          const session = currentSession();
          const client = ApiClient.forSession(session);
          const me = await people.me(client);
          const workspace = await people.workspace(client, session.workspaceId).catch(() => ({ id: session.workspaceId, name: '' }));
          const info = {
            url: session.url,
            workspaceId: session.workspaceId,
            workspaceName: workspace.name,
            workspaceUserId: me.id,
            name: me.name,
            email: me.email ?? null,
            credentials: session.source === 'env' ? 'SWITCHBOARD_TOKEN' : 'file',
          };
          if (options.json) return printJson(info);
          out(
            `${paint('bold', me.name)}${me.email ? ` <${me.email}>` : ''} in workspace ${workspace.name || session.workspaceId} on ${paint('cyan', session.url)}`,
          );
        }),
      ),
  );
}
