import { ApiClient } from '../api/client.js';
import { CliError, ExitCode } from '../api/errors.js';
import { currentSession } from '../credentials/session.js';
import { readAppFile } from '../manifest/app-file.js';

/** A signed-in client and the app a command is about: the argument, --app, or this folder's app. */
export function appContext(explicit?: string): { client: ApiClient; appId: string } {
  const client = ApiClient.forSession(currentSession());
  const appId = explicit ?? appOfFolder(client.baseUrl);
  if (!appId) {
    throw new CliError(
      'Which app? No app id was given and this folder has no .switchboard-app.json.',
      ExitCode.Usage,
      'Pass the app id (see `switchboard apps list`), or run this in the app folder.',
    );
  }
  return { client, appId };
}

function appOfFolder(url: string): string | undefined {
  const file = readAppFile();
  return file && file.url === url ? file.appId : undefined;
}
