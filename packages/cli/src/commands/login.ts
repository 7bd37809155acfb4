import * as prompts from '@clack/prompts';
import { Command, Option } from 'commander';
import { ApiClient } from '../api/client.js';
import { ApiError, CliError, ExitCode } from '../api/errors.js';
import { action, out, paint, usageExitCode } from '../api/output.js';
import { people } from '../api/people.js';
import { rcPath, writeCredentials } from '../credentials/rc-file.js';
import { normaliseUrl, platformUrl, type Session } from '../credentials/session.js';
import { tokenIdentity } from '../credentials/token-claims.js';

const DEFAULT_URL = 'http://127.0.0.1:8080';

interface LoginOptions {
  url?: string;
  email?: string;
  password?: string;
  token?: string;
  workspace?: string;
}

/** Asks in a terminal; elsewhere a missing value is a usage error (scripts must pass flags). */
async function ask(kind: 'email' | 'password', given: string | undefined): Promise<string> {
  if (given) return given;
  if (!process.stdin.isTTY) {
    throw new CliError(`No ${kind} given and no terminal to ask in.`, ExitCode.Usage, 'Pass --email and --password, or --token.');
  }
  const answer =
    kind === 'email'
      ? await prompts.text({ message: 'E-mail', validate: (value) => (value?.includes('@') ? undefined : 'Enter an e-mail address') })
      : await prompts.password({ message: 'Password', validate: (value) => (value ? undefined : 'Enter your password') });
  if (prompts.isCancel(answer)) throw new CliError('Sign-in cancelled.', ExitCode.Usage);
  return answer;
}

async function signIn(options: LoginOptions): Promise<void> {
  const url = options.url ? normaliseUrl(options.url) : (platformUrl() ?? DEFAULT_URL);
  let session: Session;
  if (options.token) {
    const identity = tokenIdentity(options.token);
    if (!identity) throw new CliError('That token is not a Switchboard person token (a JWT naming a workspace and person).', ExitCode.Usage);
    session = { url, token: options.token, ...identity, source: 'file' };
  } else {
    const email = await ask('email', options.email);
    const password = await ask('password', options.password ?? process.env.SWITCHBOARD_PASSWORD);
    const answer = await people.login(new ApiClient(url), { email, password, workspaceId: options.workspace }).catch((error: unknown) => {
      if (error instanceof ApiError && error.code === 'invalid_credentials') {
        throw new CliError(
          'The e-mail or password is wrong.',
          ExitCode.NotSignedIn,
          'An operator can set a new password with `switchboard users reset-password <email>`.',
        );
      }
      throw error;
    });
    session = { url, ...answer, email, source: 'file' };
  }
  // Asking who we are checks the token before it is saved.
  const client = ApiClient.forSession(session);
  const me = await people.me(client);
  const workspace = await people.workspace(client, session.workspaceId).catch(() => undefined);
  const { source: _source, ...stored } = session;
  writeCredentials({ ...stored, email: me.email || stored.email });
  out(`Signed in to ${paint('cyan', url)} as ${paint('bold', me.email || me.name)}${workspace ? ` (workspace ${workspace.name})` : ''}.`);
  out(paint('gray', `Credentials saved in ${rcPath()} (readable by you only).`));
}

/** `switchboard login`: e-mail and password (asked in a terminal) or a token. */
export function loginCommand(): Command {
  return usageExitCode(
    new Command('login')
      .description('Sign in to a Switchboard platform; credentials go to ~/.switchboardrc (mode 0600).')
      .addOption(new Option('--url <url>', `platform base URL (default: SWITCHBOARD_URL, the last one used, or ${DEFAULT_URL})`))
      .option('--email <email>', 'your e-mail address (asked when omitted in a terminal)')
      .option('--password <password>', 'your password (asked when omitted; env SWITCHBOARD_PASSWORD)')
      .option('--token <token>', 'sign in with a person access token instead of a password')
      .option('--workspace <id>', 'workspace to sign in to when you belong to several')
      .action(action(signIn)),
  );
}
