import { CliError, ExitCode } from '../api/errors.js';
import { readCredentials, type StoredCredentials, writeCredentials } from './rc-file.js';
import { tokenIdentity } from './token-claims.js';

/** Where the CLI finds a platform and a person's token for this run. */
export interface Session extends StoredCredentials {
  /** `env`: SWITCHBOARD_TOKEN (never written back); `file`: ~/.switchboardrc (refreshes are saved). */
  source: 'env' | 'file';
}

export const NOT_SIGNED_IN_HINT = 'Run `switchboard login` (or set SWITCHBOARD_URL and SWITCHBOARD_TOKEN).';

export function normaliseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`"${url}" is not a URL.`, ExitCode.Usage, 'Give the platform base URL, e.g. http://127.0.0.1:8080.');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new CliError(`"${url}" is not an http(s) URL.`, ExitCode.Usage);
  return parsed.toString().replace(/\/+$/, '');
}

/** The platform URL for this run: a flag, then SWITCHBOARD_URL, then the signed-in one. */
export function platformUrl(flag?: string): string | undefined {
  const url = flag ?? process.env.SWITCHBOARD_URL ?? readCredentials()?.url;
  return url ? normaliseUrl(url) : undefined;
}

/**
 * The session for this run. SWITCHBOARD_TOKEN and SWITCHBOARD_URL override the file; a stored
 * token is never sent to another platform than the one it was issued by.
 */
export function currentSession(urlFlag?: string): Session {
  const envUrl = urlFlag ?? process.env.SWITCHBOARD_URL;
  const envToken = process.env.SWITCHBOARD_TOKEN;
  const stored = readCredentials();
  if (envToken) {
    const url = envUrl ?? stored?.url;
    if (!url) throw new CliError('SWITCHBOARD_TOKEN is set but no platform URL is.', ExitCode.NotSignedIn, 'Set SWITCHBOARD_URL too.');
    const identity = tokenIdentity(envToken);
    if (!identity) throw new CliError('SWITCHBOARD_TOKEN is not a Switchboard person token.', ExitCode.NotSignedIn, NOT_SIGNED_IN_HINT);
    return { url: normaliseUrl(url), token: envToken, ...identity, source: 'env' };
  }
  if (!stored) throw new CliError('You are not signed in.', ExitCode.NotSignedIn, NOT_SIGNED_IN_HINT);
  if (envUrl && normaliseUrl(envUrl) !== normaliseUrl(stored.url)) {
    throw new CliError(
      `You are signed in to ${stored.url}, not ${normaliseUrl(envUrl)}.`,
      ExitCode.NotSignedIn,
      `Run \`switchboard login --url ${normaliseUrl(envUrl)}\`, or set SWITCHBOARD_TOKEN for it.`,
    );
  }
  return { ...stored, url: normaliseUrl(stored.url), source: 'file' };
}

/** Keeps refreshed tokens: in the file for a file session, in memory only for an env one. */
export function saveSession(session: Session): void {
  if (session.source !== 'file') return;
  const { source: _source, ...stored } = session;
  writeCredentials(stored);
}
