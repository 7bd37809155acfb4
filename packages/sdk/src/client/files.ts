import { CompleteFileUpload, FileUploadToken, PumbleFile } from '@switchboard/protocol';
import { type Dispatcher, FormData, fetch } from 'undici';
import type { Authenticator } from './auth.js';
import { apiErrorFrom, SwitchboardNetworkError, SwitchboardResponseError } from './errors.js';
import type { HttpTransport } from './http.js';

export interface FilesOptions {
  /** Where `/upload/files` lives: the API's base URL on Switchboard (Pumble has a separate upload host). */
  uploadBaseUrl: string;
  auth: Authenticator;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

export interface UploadOptions {
  name: string;
  /** Default `application/octet-stream`. */
  mimeType?: string;
}

/**
 * Files: the three-step upload (token, bytes, complete) and downloads of a message's files.
 * @example
 * const file = await client.files.upload(Buffer.from('a,b\n1,2\n'), { name: 'data.csv', mimeType: 'text/csv' });
 * await client.messages.post(channelId, { text: 'Numbers', files: [file.id] });
 */
export class FilesApi {
  constructor(
    private readonly http: HttpTransport,
    private readonly options: FilesOptions,
  ) {}

  /**
   * Uploads a file; put the returned `id` in a post's `files` (at most 20 per message).
   * @example const { id } = await client.files.upload(pngBytes, { name: 'chart.png', mimeType: 'image/png' });
   */
  async upload(data: Uint8Array | Blob, options: UploadOptions): Promise<PumbleFile> {
    const blob = data instanceof Blob ? data : new Blob([new Uint8Array(data)], { type: options.mimeType ?? 'application/octet-stream' });
    const grant = await this.http.json(
      { method: 'POST', path: '/v1/files/upload/token', json: { filename: options.name, length: blob.size }, idempotent: true },
      FileUploadToken,
    );
    const form = new FormData();
    form.append('file', blob, options.name);
    const uploaded = await this.raw('POST', `${this.options.uploadBaseUrl.replace(/\/+$/, '')}/upload/files`, { authtoken: grant.token }, form);
    const answer = CompleteFileUpload.parse(JSON.parse(uploaded.toString('utf8')));
    return this.http.json({ method: 'POST', path: '/v1/files/upload/complete', json: answer }, PumbleFile);
  }

  /**
   * The bytes of a file, by the `path` a message's file carries (Pumble's `fetchFile`).
   * @example const bytes = await client.files.download(message.files[0].path);
   */
  async download(path: string): Promise<Buffer> {
    return this.raw('GET', path, await this.options.auth.headers());
  }

  private async raw(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: FormData): Promise<Buffer> {
    const path = new URL(url).pathname;
    let response: Awaited<ReturnType<typeof fetch>>;
    try {
      response = await fetch(url, {
        method,
        headers,
        body,
        dispatcher: this.options.dispatcher,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
      });
    } catch (error) {
      throw new SwitchboardNetworkError({ method, path, code: 'network_error', message: `${method} ${path} failed: ${String(error)}`, cause: error });
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (response.status < 200 || response.status >= 300) throw apiErrorFrom({ method, path, status: response.status, text: bytes.toString('utf8') });
    if (method === 'POST' && !(response.headers.get('content-type') ?? '').includes('json')) {
      throw new SwitchboardResponseError({ method, path, status: response.status, message: 'The upload answer is not JSON.', body: bytes.toString('utf8') });
    }
    return bytes;
  }
}
