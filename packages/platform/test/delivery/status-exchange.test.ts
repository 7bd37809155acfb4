import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchangeStatus } from '../../src/delivery/status-exchange.js';

describe('exchangeStatus', () => {
  let server: Server;
  let origin: string;
  const agent = new Agent({ connections: 4 });
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/big') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('x'.repeat(200_000));
        } else if (req.url === '/slow') {
          setTimeout(() => res.end('late'), 2_000).unref();
        } else if (req.url === '/limited') {
          res.writeHead(429, { 'retry-after': '7' });
          res.end('slow down');
        } else res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await agent.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const post = (path: string, signal = new AbortController().signal, headersTimeout = 5_000) =>
    exchangeStatus(agent, { origin, path, method: 'POST', body: '{}', headersTimeout, bodyTimeout: 5_000 }, signal, 64 * 1024);

  it('answers the status and Retry-After, and reuses the connection after the body', async () => {
    expect(await post('/ok')).toEqual({ status: 200, retryAfter: undefined });
    expect(await post('/limited')).toEqual({ status: 429, retryAfter: '7' });
    expect((await post('/ok')).status).toBe(200);
  });

  it('answers the status of a body over the limit without reading it all, and the next request still works', async () => {
    expect((await post('/big')).status).toBe(200);
    expect((await post('/ok')).status).toBe(200);
  });

  it("rejects with undici's timeout code when no status comes in time, and with the abort when stopped", async () => {
    await expect(post('/slow', new AbortController().signal, 200)).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    const stop = new AbortController();
    const pending = post('/slow', stop.signal);
    setTimeout(() => stop.abort(new Error('stopped')), 50);
    await expect(pending).rejects.toThrow('stopped');
    const stopped = new AbortController();
    stopped.abort(new Error('already'));
    await expect(post('/ok', stopped.signal)).rejects.toThrow('already');
  });
});
