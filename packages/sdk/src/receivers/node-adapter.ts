import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/**
 * Conversions between node:http and Web `Request`/`Response`, used only for custom routes:
 * the delivery path skips them and hands node's raw headers and bytes straight to the
 * verifier, which keeps the hot path free of per-request object copies.
 */

/**
 * @example const request = toWebRequest(req); const response = await handler(request);
 */
export function toWebRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  // The Host header is client-controlled; a bad one makes `new URL` throw, which the caller maps to 400.
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  return new Request(url, {
    method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    // Required by undici for a streamed request body.
    duplex: 'half',
  } as RequestInit);
}

/**
 * Writes a Web `Response` to a node response, keeping repeated Set-Cookie headers apart.
 * @example await sendWebResponse(res, new Response('ok'));
 */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  res.writeHead(response.status, headers).end(body);
}
