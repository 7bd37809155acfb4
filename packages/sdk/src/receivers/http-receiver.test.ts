import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ManifestInput } from '@switchboard/protocol';
import { signOutbound } from '@switchboard/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../app/app.js';
import { HttpReceiver } from './http-receiver.js';
import { signedDelivery } from './signed-delivery.js';

const signingSecret = 'receiver-secret';
const webhookSecret = 'watson-secret';
const url = 'https://app.example/hook';
const manifest: ManifestInput = {
  name: 'r',
  displayName: 'R',
  bot: false,
  scopes: { botScopes: [], userScopes: [] },
  shortcuts: [],
  slashCommands: [{ command: '/count', url }],
  eventSubscriptions: { url, events: [] },
  redirectUrls: [],
};
const command = { messageType: 'SLASH_COMMAND', slashCommand: '/count', text: '', userId: 'U1', channelId: 'C1', workspaceId: 'W1', triggerId: 'T1' };

let calls = 0;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function makeApp(): App {
  calls = 0;
  const app = createApp({ manifest, signingSecret, webhookSecret, onError: () => {} });
  app.command('/count', (ctx) => ctx.ack(`call ${++calls}`));
  app.router.get('/health', () => new Response('ok'));
  app.router.post('/echo-body', async (request) => Response.json({ got: await request.json() }));
  return app;
}

async function serve(app: App): Promise<string> {
  const address = await app.start({ port: 0 });
  cleanups.push(() => app.stop());
  return address!.url;
}

describe('HTTP receiver over loopback', () => {
  it('refuses a bad signature (403), a missing one (401), a stale timestamp (401) and bad JSON (400), with codes', async () => {
    const base = await serve(makeApp());
    const good = signedDelivery(command, { signingSecret });
    const send = async (headers: Record<string, string>, body: string) => {
      const response = await fetch(`${base}/hook`, { method: 'POST', headers, body });
      return { status: response.status, code: ((await response.json()) as { code?: string }).code };
    };
    expect(await send({ ...good.headers, 'x-pumble-request-signature': '0'.repeat(64) }, good.body)).toEqual({ status: 403, code: 'invalid_signature' });
    expect(await send({ 'content-type': 'application/json' }, good.body)).toEqual({ status: 401, code: 'invalid_signature' });
    const stale = signedDelivery(command, { signingSecret, timestamp: Date.now() - 6 * 60_000 });
    expect(await send(stale.headers, stale.body)).toEqual({ status: 401, code: 'stale_timestamp' });
    const broken = signedDelivery('{"messageType":', { signingSecret });
    expect(await send(broken.headers, broken.body)).toEqual({ status: 400, code: 'invalid_json' });
    expect(calls).toBe(0);
    expect(await send(good.headers, good.body)).toEqual({ status: 200, code: undefined });
  });

  it('runs a delivery once however often the platform retries it', async () => {
    const base = await serve(makeApp());
    const { headers, body } = signedDelivery(command, { signingSecret, deliveryId: 'd-1' });
    // The platform signs each attempt afresh: a retry carries a new timestamp and signature.
    const again = signedDelivery(command, { signingSecret, deliveryId: 'd-1', timestamp: Date.now() + 1 });
    const first = await fetch(`${base}/hook`, { method: 'POST', headers, body });
    const retry = await fetch(`${base}/hook`, { method: 'POST', headers: again.headers, body: again.body });
    expect(await first.json()).toEqual({ message: 'call 1' });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({});
    expect(calls).toBe(1);
  });

  it('refuses an exact replay of a signed request, even with its delivery id stripped', async () => {
    const base = await serve(makeApp());
    const { headers, body } = signedDelivery(command, { signingSecret, deliveryId: 'd-2' });
    expect((await fetch(`${base}/hook`, { method: 'POST', headers, body })).status).toBe(200);
    const { 'x-switchboard-delivery-id': _stripped, ...bare } = headers;
    const replay = await fetch(`${base}/hook`, { method: 'POST', headers: bare, body });
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ code: 'replayed_request' });
    expect(calls).toBe(1);
  });

  it('refuses bodies over the limit with 413 before verifying', async () => {
    const base = await serve(makeApp());
    const response = await fetch(`${base}/hook`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
    expect(response.status).toBe(413);
  });

  it('assembles a body streamed in chunks and answers with content-length, not chunked encoding', async () => {
    const base = await serve(makeApp());
    const { headers, body } = signedDelivery(command, { signingSecret });
    const reply = await chunkedPost(`${base}/hook`, headers, [body.slice(0, 10), body.slice(10, 50), body.slice(50)]);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ message: 'call 1' });
    expect(reply.headers['content-length']).toBe(String(Buffer.byteLength(reply.body)));
    expect(reply.headers['transfer-encoding']).toBeUndefined();
  });

  it('cuts off a chunked body that grows past the limit with 413 and closes the connection', async () => {
    const app = createApp({ manifest, signingSecret, maxBodyBytes: 64, onError: () => {} });
    app.command('/count', (ctx) => ctx.ack());
    const base = await serve(app);
    const reply = await chunkedPost(`${base}/hook`, {}, ['x'.repeat(40), 'x'.repeat(40)], false);
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'payload_too_large' });
    expect(reply.headers.connection).toBe('close');
  });

  it('serves custom routes and 404s the rest', async () => {
    const base = await serve(makeApp());
    expect(await (await fetch(`${base}/health`)).text()).toBe('ok');
    const echoed = await fetch(`${base}/echo-body`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(await echoed.json()).toEqual({ got: { a: 1 } });
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
  });

  it('answers the Watson verification challenge with a signed body', async () => {
    const base = await serve(makeApp());
    const body = JSON.stringify({ type: 'verification', challenge: 'abc123' });
    const response = await fetch(`${base}/hook`, { method: 'POST', body, headers: { 'x-outbound-token': signOutbound(webhookSecret, body) } });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(JSON.parse(text)).toEqual({ response: 'abc123' });
    expect(response.headers.get('x-outbound-token')).toBe(signOutbound(webhookSecret, text));
  });

  it('refuses to start without a signing secret', async () => {
    const receiver = new HttpReceiver({});
    await expect(receiver.start({ handle: async () => {}, reportError: () => {} }, { port: 0 })).rejects.toThrow(/signingSecret is missing/);
    expect(receiver.address()).toBeUndefined();
  });

  it('stop() frees the port and leaves nothing running', async () => {
    const app = makeApp();
    const address = await app.start({ port: 0 });
    await app.stop();
    await expect(fetch(`${address!.url}/health`)).rejects.toThrow();
    await expect(app.start({ port: 0 }).then(() => app.stop())).resolves.toBeUndefined();
  });
});

describe('adapters', () => {
  it('app.fetch takes a Web Request directly', async () => {
    const app = makeApp();
    const { headers, body } = signedDelivery(command, { signingSecret });
    const response = await app.fetch(new Request('http://anywhere/hook', { method: 'POST', headers, body }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: 'call 1' });
    const bad = await app.fetch(new Request('http://anywhere/hook', { method: 'POST', headers, body: body.replace('/count', '/other') }));
    expect(bad.status).toBe(403);
    expect((await app.fetch(new Request('http://anywhere/health'))).status).toBe(200);
  });

  it('app.requestListener works mounted on a plain node:http server', async () => {
    const app = makeApp();
    const server = createServer(app.requestListener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { headers, body } = signedDelivery(command, { signingSecret });
    const response = await fetch(`${base}/commands`, { method: 'POST', headers, body, keepalive: false });
    expect(await response.json()).toEqual({ message: 'call 1' });
    expect(await (await fetch(`${base}/health`)).text()).toBe('ok');
    server.closeAllConnections();
  });
});

/**
 * A POST without content-length whose body goes out in separate chunks (node uses chunked
 * encoding). With `finish: false` the body is never ended: the server must answer on its own.
 */
function chunkedPost(
  url: string,
  headers: Record<string, string>,
  chunks: string[],
  finish = true,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(url, { method: 'POST', headers, agent: false }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') });
        req.destroy();
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    let next = 0;
    const writeNext = () => {
      if (answered) return;
      if (next === chunks.length) {
        if (finish) req.end();
        return;
      }
      req.write(chunks[next++]);
      setTimeout(writeNext, 5);
    };
    writeNext();
  });
}
