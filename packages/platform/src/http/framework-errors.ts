import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';

/**
 * Errors Fastify answers before any route runs (a path it cannot route, a parameter over the
 * length limit, headers too large for the HTTP parser), as `{code, message}` like every other
 * error. The messages never repeat the path: it may be kilobytes long, or carry someone's token.
 */
const routerErrors: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'uri_too_long', message: 'A part of the URL is longer than the limit.' },
  FST_ERR_BAD_URL: { status: 400, code: 'invalid_request', message: 'The URL is malformed.' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: 'invalid_request', message: 'The request could not be routed.' },
};

function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const known = routerErrors[error.code] ?? { status: 400, code: 'invalid_request', message: 'The request could not be routed.' };
  reply.status(known.status).send({ code: known.code, message: known.message });
}

const clientErrors: Record<string, { status: number; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'headers_too_large', message: 'The request line or headers are larger than the limit.' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'request_timeout', message: 'The request took too long to arrive.' },
};

/** Errors of the HTTP parser itself: no request object exists yet, so the answer is written raw. */
function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = (error.code && clientErrors[error.code]) || { status: 400, code: 'invalid_request', message: 'The request is malformed.' };
  const body = JSON.stringify({ code: known.code, message: known.message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** Spread into the Fastify constructor's options. */
export const frameworkErrorOptions = { frameworkErrors, clientErrorHandler } satisfies Partial<FastifyServerOptions>;
