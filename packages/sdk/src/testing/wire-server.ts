import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on loopback that answers like the platform's documented wire
 * (PROTOCOL.md): tests script its replies and read back exactly what the SDK sent.
 * Tests then exercise the SDK's real HTTP stack, not a mock of it.
 */

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
}

export interface WireReply {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Wait this long before answering (to provoke client timeouts). */
  delayMs?: number;
  /** Drop the connection without answering (a network error for the client). */
  destroy?: boolean;
}

export type WireHandler = (request: RecordedRequest) => WireReply | Promise<WireReply>;

export interface WireServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @example
 * const server = await startWireServer(() => ({ status: 429, headers: { 'retry-after': '1' }, body: { code: 'rate_limited', message: 'slow down' } }));
 * // ... point a client at server.url, then assert on server.requests
 * await server.close();
 */
export async function startWireServer(handler: WireHandler): Promise<WireServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://loopback');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      json: parseJson(body),
    };
    requests.push(recorded);
    let reply: WireReply;
    try {
      reply = await handler(recorded);
    } catch (error) {
      reply = { status: 500, body: { code: 'internal_error', message: String(error) } };
    }
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (reply.destroy) {
      req.socket.destroy();
      return;
    }
    const status = reply.status ?? 200;
    const payload = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    const headers = { ...(typeof reply.body === 'string' || reply.body === undefined ? {} : { 'content-type': 'application/json' }), ...reply.headers };
    if (!res.destroyed) res.writeHead(status, headers).end(payload);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => {
      // Idempotent, so a test's afterEach may close whatever the test left open.
      closing ??= new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      return closing;
    },
  };
}
