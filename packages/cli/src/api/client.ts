import { readCredentials } from '../credentials/rc-file.js';
import { withRefreshLock } from '../credentials/refresh-lock.js';
import { NOT_SIGNED_IN_HINT, type Session, saveSession } from '../credentials/session.js';
import { expiresAt } from '../credentials/token-claims.js';
import { ApiError, CliError, ExitCode } from './errors.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  /** Send the person's `Authtoken` (default true). */
  auth?: boolean;
}

/** Refresh this long before `exp`, so a token does not expire between the check and the request. */
const REFRESH_MARGIN_MS = 30_000;
const TIMEOUT_MS = 30_000;

/**
 * The CLI's one way to the platform: JSON in and out, the `Authtoken` header, the access token
 * refreshed with the refresh token when it is about to expire (or was refused as expired), and
 * platform errors turned into {@link ApiError}s with what to do next.
 */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly session?: Session,
  ) {}

  static forSession(session: Session): ApiClient {
    return new ApiClient(session.url, session);
  }

  /** `/workspaces/{ws}/workspaceUsers/{u}`: the base of the Pumble management API for this person. */
  get personPath(): string {
    const session = this.requireSession();
    return `/workspaces/${encodeURIComponent(session.workspaceId)}/workspaceUsers/${encodeURIComponent(session.workspaceUserId)}`;
  }

  async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
    const auth = options.auth ?? true;
    if (auth) await this.refreshIfExpiring();
    let response = await this.send(method, path, options, auth);
    if (auth && response.status === 401 && this.session?.refreshToken) {
      const body = await readBody(response);
      if (body?.code !== 'token_expired') throw this.toError(response.status, body);
      await this.refresh();
      response = await this.send(method, path, options, auth);
    }
    const body = response.status === 204 ? undefined : await readBody(response);
    if (!response.ok) throw this.toError(response.status, body);
    return body as T;
  }

  private async send(method: Method, path: string, options: RequestOptions, auth: boolean): Promise<Response> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (auth) headers.authtoken = this.requireSession().token;
    try {
      return await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new CliError(
        `Cannot reach the platform at ${this.baseUrl} (${causeOf(error)}).`,
        ExitCode.Unreachable,
        'Check the URL and that the platform is running (`switchboard serve`), or pass --url.',
      );
    }
  }

  private async refreshIfExpiring(): Promise<void> {
    const session = this.requireSession();
    const expiry = expiresAt(session.token);
    if (expiry !== undefined && expiry - REFRESH_MARGIN_MS <= Date.now() && session.refreshToken) await this.refresh();
  }

  /**
   * PROTOCOL.md 2: refresh tokens rotate, so the new pair is saved before anything else happens.
   * A file session refreshes under a lock and first looks whether another `switchboard` process
   * already did (it then takes that pair instead of spending a refresh token twice).
   */
  private async refresh(): Promise<void> {
    const session = this.requireSession();
    if (session.source !== 'file') return this.refreshNow(session);
    await withRefreshLock(async () => {
      const stored = readCredentials();
      if (stored && stored.url === session.url && stored.refreshToken && stored.refreshToken !== session.refreshToken) {
        session.token = stored.token;
        session.refreshToken = stored.refreshToken;
        // Still fresh: nothing to spend. Otherwise refresh with the pair just adopted.
        if ((expiresAt(stored.token) ?? 0) - REFRESH_MARGIN_MS > Date.now()) return;
      }
      await this.refreshNow(session);
    });
  }

  private async refreshNow(session: Session): Promise<void> {
    if (!session.refreshToken) throw new CliError('Your sign-in has expired.', ExitCode.NotSignedIn, NOT_SIGNED_IN_HINT);
    const response = await this.send(
      'POST',
      `/workspaces/${encodeURIComponent(session.workspaceId)}/refresh`,
      { body: { refreshToken: session.refreshToken } },
      false,
    );
    const body = await readBody(response);
    if (!response.ok) {
      // Whatever the status, the way out is the same: sign in again.
      throw new CliError(
        `Your sign-in has expired or was ended (${String(body?.code ?? response.status)}).`,
        ExitCode.NotSignedIn,
        'Run `switchboard login` again.',
      );
    }
    const tokens = body as { token: string; refreshToken: string };
    session.token = tokens.token;
    session.refreshToken = tokens.refreshToken;
    saveSession(session);
  }

  private requireSession(): Session {
    if (!this.session) throw new CliError('You are not signed in.', ExitCode.NotSignedIn, NOT_SIGNED_IN_HINT);
    return this.session;
  }

  private toError(status: number, body: Record<string, unknown> | undefined): ApiError {
    const code = typeof body?.code === 'string' ? body.code : `http_${status}`;
    const message = typeof body?.message === 'string' ? body.message : `The platform answered ${status}.`;
    return new ApiError(status, code, message, body, hintFor(status, code));
  }
}

function hintFor(status: number, code: string): string | undefined {
  if (status === 401) return NOT_SIGNED_IN_HINT;
  if (code === 'rate_limited' || status === 429) return 'Wait a moment and try again.';
  if (status >= 500) return 'The platform failed; its log says why. Try again, or report it with the time of the error.';
  return undefined;
}

async function readBody(response: Response): Promise<Record<string, unknown> | undefined> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : { value };
  } catch {
    return { message: text.slice(0, 500) };
  }
}

function causeOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof Error) return (cause as NodeJS.ErrnoException).code ?? cause.message;
  return String(cause);
}
