import type { ErrorCode } from '@switchboard/protocol';

/** Codes the platform documents, plus whatever a newer platform (or Pumble) sends. */
export type ApiErrorCode = ErrorCode | (string & {});

interface RequestIdentity {
  method: string;
  path: string;
}

/**
 * The platform answered with an error status. `code` is the stable contract (from the
 * `{code, message}` body, or derived from the status when the body is not ours).
 * @example
 * try { await client.messages.post(channelId, 'hi') }
 * catch (e) { if (e instanceof SwitchboardApiError && e.code === 'not_in_channel') ... }
 */
export class SwitchboardApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly method: string;
  readonly path: string;
  /** The parsed body, or its text when it was not JSON. */
  readonly body: unknown;
  /** On 429: how long the platform asked us to wait. */
  readonly retryAfterMs: number | undefined;

  constructor(init: RequestIdentity & { status: number; code: ApiErrorCode; message: string; body: unknown; retryAfterMs?: number }) {
    super(init.message);
    this.name = 'SwitchboardApiError';
    this.status = init.status;
    this.code = init.code;
    this.method = init.method;
    this.path = init.path;
    this.body = init.body;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/**
 * No answer at all: connection refused or reset, DNS failure, or the timeout passed.
 * @example if (e instanceof SwitchboardNetworkError && e.code === 'timeout') ...
 */
export class SwitchboardNetworkError extends Error {
  readonly code: 'timeout' | 'network_error';
  readonly method: string;
  readonly path: string;

  constructor(init: RequestIdentity & { code: 'timeout' | 'network_error'; message: string; cause?: unknown }) {
    super(init.message, { cause: init.cause });
    this.name = 'SwitchboardNetworkError';
    this.code = init.code;
    this.method = init.method;
    this.path = init.path;
  }
}

/**
 * A 2xx answer whose body does not match the protocol schema (only with `validateResponses`).
 * @example new ApiClient({ ..., validateResponses: true }) // in tests, to catch wire drift
 */
export class SwitchboardResponseError extends Error {
  readonly code = 'invalid_response' as const;
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly body: unknown;

  constructor(init: RequestIdentity & { status: number; message: string; body: unknown }) {
    super(init.message);
    this.name = 'SwitchboardResponseError';
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.body = init.body;
  }
}

const codeByStatus: Record<number, ErrorCode> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

function fallbackCode(status: number): ApiErrorCode {
  return codeByStatus[status] ?? (status >= 500 ? 'internal_error' : `http_${status}`);
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/**
 * Reads an error body: ours (`{code, message}`), OAuth's (`{error, error_description}`),
 * or anything else (proxies answer HTML) — the status then supplies the code.
 */
export function apiErrorFrom(init: RequestIdentity & { status: number; text: string; retryAfterMs?: number }): SwitchboardApiError {
  let body: unknown = init.text;
  try {
    body = init.text ? JSON.parse(init.text) : undefined;
  } catch {
    // Not JSON: keep the text as the body.
  }
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const code = str(fields.code) ?? str(fields.error) ?? fallbackCode(init.status);
  const snippet = typeof body === 'string' ? body.trim().slice(0, 200) : '';
  const message =
    str(fields.message) ??
    str(fields.error_description) ??
    (snippet ? `HTTP ${init.status}: ${snippet}` : `HTTP ${init.status} from ${init.method} ${init.path}`);
  return new SwitchboardApiError({ ...init, code, message, body });
}
