/**
 * Typed errors shared by every Switchboard part. The `code` is the stable,
 * machine-readable contract; the message is for humans and may change.
 */
export const errorStatus = {
  invalid_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  invalid_manifest: 400,
  invalid_cursor: 400,
  payload_too_large: 413,
  uri_too_long: 414,
  headers_too_large: 431,
  unsupported_media_type: 415,
  unauthenticated: 401,
  invalid_token: 401,
  token_expired: 401,
  invalid_credentials: 401,
  invalid_signature: 401,
  stale_timestamp: 401,
  invalid_client: 401,
  forbidden: 403,
  missing_scope: 403,
  not_in_channel: 403,
  channel_archived: 403,
  posting_restricted: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  already_exists: 409,
  invalid_grant: 400,
  invalid_scope: 400,
  invalid_redirect: 400,
  unsupported_grant_type: 400,
  rate_limited: 429,
  not_supported: 501,
  unavailable: 503,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/** The JSON body of every error response: `{ code, message, ...details }`. */
export interface ErrorBody {
  code: ErrorCode | string;
  message: string;
  [detail: string]: unknown;
}

/**
 * An error with a stable code, mapped to an HTTP status in one place.
 * @example throw new SwitchboardError('not_found', 'No channel with that id.')
 */
export class SwitchboardError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'SwitchboardError';
    this.code = code;
    this.status = errorStatus[code];
    this.details = details;
  }

  toBody(): ErrorBody {
    return { ...this.details, code: this.code, message: this.message };
  }
}

export function isSwitchboardError(value: unknown): value is SwitchboardError {
  return value instanceof SwitchboardError;
}
