/** An error answer of the /v1 API: `{code, message}` with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Sends people to sign in, coming back to where they were. */
export function goToSignIn(): void {
  const next = `${location.pathname}${location.search}`;
  location.assign(`/login?next=${encodeURIComponent(next)}`);
}

/**
 * A JSON call to the same /v1 API apps and the CLI use, authenticated by the session cookie.
 * Bodies are always JSON: the server refuses form bodies on /v1 (CSRF defence).
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : null;
  if (!response.ok) {
    const error = (parsed ?? {}) as { code?: string; message?: string };
    if (response.status === 401) goToSignIn();
    throw new ApiError(response.status, error.code ?? 'error', error.message ?? `The server answered ${response.status}.`);
  }
  return parsed as T;
}
