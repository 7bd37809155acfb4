import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliveryKind } from './delivery-kind.js';

/** One request the platform sent the app, as the terminal shows it. */
export interface TapEntry {
  kind: string;
  /** The app's HTTP status, or undefined when it could not be reached. */
  status: number | undefined;
  latencyMs: number;
  /** The app's error message (non-2xx) or why it could not be reached. */
  error?: string;
  /** `x-switchboard-retry-count` of a redelivered event. */
  retry?: number;
}

export interface DeliveryTapOptions {
  /** Where the app listens now (it changes only if the app is moved). */
  appPort: number;
  /** Resolves true once the app accepts connections again (it may be restarting), false if it will not. */
  appReady: (timeoutMs: number) => Promise<boolean>;
  report: (entry: TapEntry) => void;
}

/** A trigger must be answered within 3 s: wait at most this long for a restarting app. */
const RESTART_WAIT_MS = 2500;
const MAX_BODY = 4 * 1024 * 1024;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

/**
 * The address the platform delivers to: forwards every request byte for byte to the app (so
 * signatures verify), and reports its kind, status, latency and error. Because it stays up
 * while the app restarts, a request that arrives mid-restart waits for the new process instead
 * of failing with the offline message.
 */
export class DeliveryTap {
  private server: Server | undefined;

  constructor(private readonly options: DeliveryTapOptions) {}

  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const began = performance.now();
    const body = await readBody(req).catch(() => undefined);
    const path = req.url ?? '/';
    if (!body) {
      res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'payload_too_large', message: 'Request body too large.' }));
      return;
    }
    const kind = deliveryKind(req.method ?? 'GET', path.split('?')[0], body);
    const retryHeader = Number(req.headers['x-switchboard-retry-count']);
    const retry = Number.isInteger(retryHeader) && retryHeader > 0 ? retryHeader : undefined;
    let answer = await this.forward(req, path, body).catch((error: NodeJS.ErrnoException) => error);
    if (answer instanceof Error && answer.code === 'ECONNREFUSED' && (await this.options.appReady(RESTART_WAIT_MS))) {
      answer = await this.forward(req, path, body).catch((error: NodeJS.ErrnoException) => error);
    }
    const latencyMs = performance.now() - began;
    if (answer instanceof Error) {
      const why = answer.code === 'ECONNREFUSED' ? 'the app is not running (see its output above)' : (answer.code ?? answer.message);
      this.options.report({ kind, status: undefined, latencyMs, error: why, retry });
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'app_unreachable', message: why }));
      return;
    }
    const { status, headers, payload } = answer;
    const failed = status < 200 || status >= 300;
    this.options.report({ kind, status, latencyMs, error: failed ? errorText(payload) : undefined, retry });
    res.writeHead(status, headers).end(payload);
  }

  private forward(req: IncomingMessage, path: string, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[]>; payload: Buffer }> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    headers['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const outgoing = request({ host: '127.0.0.1', port: this.options.appPort, method: req.method, path, headers, timeout: 30_000 }, (response) => {
        readBody(response).then((payload) => {
          const back: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(response.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) back[name] = value;
          back['content-length'] = String(payload.length);
          resolve({ status: response.statusCode ?? 502, headers: back, payload });
        }, reject);
      });
      outgoing.once('timeout', () => outgoing.destroy(Object.assign(new Error('the app did not answer within 30 s'), { code: 'ETIMEDOUT' })));
      outgoing.once('error', reject);
      outgoing.end(body);
    });
  }
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        stream.destroy();
        reject(new Error('body too large'));
      } else chunks.push(chunk);
    });
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

/** The `message` of a JSON error reply, else the start of the body. */
function errorText(payload: Buffer): string {
  const text = payload.toString('utf8');
  try {
    const value = JSON.parse(text) as { message?: unknown };
    if (typeof value.message === 'string') return value.message.slice(0, 200);
  } catch {}
  return text.slice(0, 200) || '(empty body)';
}
