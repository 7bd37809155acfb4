import { setTimeout as sleep } from 'node:timers/promises';
import { type Dispatcher, request } from 'undici';
import type { z } from 'zod';
import type { Authenticator } from './auth.js';
import { apiErrorFrom, SwitchboardNetworkError, SwitchboardResponseError } from './errors.js';
import { backoffDelay, isIdempotent, parseRetryAfter, type ResolvedRetryPolicy, type RetryOptions, resolveRetryPolicy } from './retry-policy.js';

export interface HttpOptions {
  /** Where the API lives, e.g. `http://127.0.0.1:8080` or Pumble's API host; may carry a path prefix. */
  baseUrl: string;
  /** Per attempt, headers and body included. Default 10 s. */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Check every 2xx body against the protocol schema (tests, or to catch drift). Default false. */
  validateResponses?: boolean;
  /** An undici Dispatcher (Agent, ProxyAgent, MockAgent) for connection pooling or proxies. */
  dispatcher?: Dispatcher;
  userAgent?: string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface RequestSpec {
  method: HttpMethod;
  /** Built with `pathOf`, so ids are encoded. */
  path: string;
  query?: Record<string, QueryValue>;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Overrides the method's idempotency for network-error retries (e.g. a token request is safe to repeat). */
  idempotent?: boolean;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * Builds a path with every interpolated id percent-encoded, so an id can never add a segment.
 * @example pathOf`/v1/channels/${channelId}/messages` // "/v1/channels/C%2F1/messages" for "C/1"
 */
export function pathOf(strings: TemplateStringsArray, ...ids: string[]): string {
  return strings.reduce((out, part, i) => out + part + (i < ids.length ? encodeURIComponent(ids[i]) : ''), '');
}

function header(headers: RawResponse['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The one place that talks HTTP: auth headers, timeouts, retries and error mapping.
 * Resource classes only say which method, path and schema.
 */
export class HttpTransport {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retry: ResolvedRetryPolicy;

  constructor(
    private readonly options: HttpOptions,
    private readonly auth?: Authenticator,
  ) {
    if (!options.baseUrl || !/^https?:\/\//.test(options.baseUrl)) throw new TypeError('baseUrl must be an http(s) URL.');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retry = resolveRetryPolicy(options.retry);
  }

  /** Sends a request whose answer carries no data the caller needs (204s, acks). */
  async send(spec: RequestSpec): Promise<void> {
    await this.exchange(spec);
  }

  /** Sends a request and returns its JSON body, typed by (and optionally checked against) `schema`. */
  async json<S extends z.ZodType>(spec: RequestSpec, schema: S): Promise<z.infer<S>> {
    const response = await this.exchange(spec);
    let body: unknown;
    try {
      body = response.text ? JSON.parse(response.text) : undefined;
    } catch {
      throw new SwitchboardResponseError({
        method: spec.method,
        path: spec.path,
        status: response.status,
        message: 'The response body is not JSON.',
        body: response.text,
      });
    }
    if (this.options.validateResponses) {
      const result = schema.safeParse(body);
      if (!result.success) {
        const message = `The response does not match the protocol: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`;
        throw new SwitchboardResponseError({ method: spec.method, path: spec.path, status: response.status, message, body });
      }
    }
    // The unparsed body, not zod's output: fields a newer platform adds are kept, not stripped.
    return body as z.infer<S>;
  }

  private async exchange(spec: RequestSpec): Promise<RawResponse> {
    let refreshedAuth = false;
    for (let attempt = 1; ; attempt++) {
      const authHeaders = this.auth ? await this.auth.headers() : {};
      let response: RawResponse;
      try {
        response = await this.once(spec, authHeaders);
      } catch (error) {
        if (error instanceof SwitchboardNetworkError && (spec.idempotent ?? isIdempotent(spec.method)) && attempt < this.retry.maxAttempts) {
          await sleep(backoffDelay(this.retry, attempt));
          continue;
        }
        throw error;
      }
      if (response.status >= 200 && response.status < 300) return response;

      // A stale app token: let the provider drop it and try once more, without spending an attempt.
      if (response.status === 401 && !refreshedAuth && this.auth?.onUnauthorized?.(authHeaders)) {
        refreshedAuth = true;
        attempt--;
        continue;
      }
      const retryAfterMs = response.status === 429 ? parseRetryAfter(header(response.headers, 'retry-after')) : undefined;
      if (response.status === 429 && attempt < this.retry.maxAttempts) {
        const wait = retryAfterMs ?? backoffDelay(this.retry, attempt);
        if (wait <= this.retry.maxRetryAfterMs) {
          await sleep(wait);
          continue;
        }
      }
      throw apiErrorFrom({ method: spec.method, path: spec.path, status: response.status, text: response.text, retryAfterMs });
    }
  }

  private url(spec: RequestSpec): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value === undefined) continue;
      params.set(key, Array.isArray(value) ? value.join(',') : String(value));
    }
    const search = params.size > 0 ? `?${params}` : '';
    return `${this.baseUrl}${spec.path}${search}`;
  }

  private async once(spec: RequestSpec, authHeaders: Record<string, string>): Promise<RawResponse> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.options.userAgent ?? 'switchboard-sdk',
      ...authHeaders,
      ...spec.headers,
    };
    let body: string | undefined;
    if (spec.json !== undefined) {
      body = JSON.stringify(spec.json);
      headers['content-type'] = 'application/json';
    } else if (spec.form) {
      body = new URLSearchParams(spec.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await request(this.url(spec), { method: spec.method, headers, body, signal, dispatcher: this.options.dispatcher });
      // Always drain the body: an unread body pins the connection.
      const text = await response.body.text();
      return { status: response.statusCode, headers: response.headers, text };
    } catch (error) {
      const timedOut = signal.aborted;
      throw new SwitchboardNetworkError({
        method: spec.method,
        path: spec.path,
        code: timedOut ? 'timeout' : 'network_error',
        message: timedOut ? `No answer from ${spec.method} ${spec.path} within ${this.timeoutMs} ms.` : `${spec.method} ${spec.path} failed: ${String(error)}`,
        cause: error,
      });
    }
  }
}
