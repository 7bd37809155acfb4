import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeHeaders, type RequestView } from '../request-view.js';
import { DEFAULT_MAX_BODY_BYTES } from '../verify.js';
import { readNodeBody, readWebBody } from './body-limit.js';
import { createDeliveryEndpoint, type DeliveryEndpoint, type DeliveryEndpointOptions, type HttpReply, jsonReply } from './http-delivery.js';
import { sendWebResponse, toWebRequest } from './node-adapter.js';
import type { Receiver, ReceiverHost } from './receiver.js';
import { Router, type WebHandler } from './router.js';

export interface HttpReceiverOptions extends Omit<DeliveryEndpointOptions, 'signingSecret'> {
  /**
   * Verifies every delivery. Without it the receiver refuses to `start()`, and `fetch` /
   * `requestListener` still serve custom routes but refuse deliveries (a socket-mode app's OAuth
   * redirect, say).
   */
  signingSecret?: DeliveryEndpointOptions['signingSecret'];
  /** Custom routes; every POST no route claims is treated as a platform delivery. */
  router?: Router;
}

export interface ListenOptions {
  /** 0 picks a free port (tests). Default 3000. */
  port?: number;
  /** Default `127.0.0.1`, so a dev app is not exposed by accident; use `0.0.0.0` behind a proxy or in a container. */
  hostname?: string;
}

export interface HttpAddress {
  port: number;
  url: string;
}

const NOT_FOUND = jsonReply(404, { code: 'not_found', message: 'No such route.' });
const INTERNAL_ERROR = jsonReply(500, { code: 'internal_error', message: 'The request could not be handled.' });
const NO_DELIVERIES = jsonReply(401, {
  code: 'invalid_signature',
  message: 'This app takes no HTTP deliveries: it has no signing secret to verify them with.',
});
const tooLarge = (max: number): HttpReply => jsonReply(413, { code: 'payload_too_large', message: `The request body exceeds ${max} bytes.` });

function writeNode(res: ServerResponse, reply: HttpReply): void {
  // One writeHead with a complete header object and one end: node sends headers and body in one write.
  if (!res.headersSent) res.writeHead(reply.status, reply.headers).end(reply.body);
}

/**
 * Receives deliveries over HTTP. One Web-standard core (`fetch`), a node:http adapter
 * (`requestListener`) and an own server (`start`) — all three share the route table and the
 * delivery endpoint, so behaviour never differs between them.
 * @example
 * const receiver = new HttpReceiver({ signingSecret });
 * await receiver.start(app, { port: 3000 });
 * // or: serve(receiver.fetch) on any Web-standard runtime, after receiver.bind(app)
 */
export class HttpReceiver implements Receiver {
  readonly router: Router;
  /** Undefined without a signing secret: an app whose deliveries come over a socket. */
  private readonly endpoint: DeliveryEndpoint | undefined;
  private readonly maxBodyBytes: number;
  private host: ReceiverHost | undefined;
  private server: Server | undefined;

  constructor(options: HttpReceiverOptions) {
    // Throws now when a given signing secret is unusable, not at the first request.
    const { signingSecret } = options;
    this.endpoint = signingSecret === undefined ? undefined : createDeliveryEndpoint({ ...options, signingSecret });
    this.router = options.router ?? new Router();
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  /**
   * Connects the receiver to an app without opening a port, for `fetch` / `requestListener`.
   * @example receiver.bind(app); export default { fetch: receiver.fetch };
   */
  bind(host: ReceiverHost): void {
    this.host = host;
  }

  /**
   * The Web-standard core: `Request → Response`.
   * @example const response = await receiver.fetch(new Request('http://app/hook', { method: 'POST', headers, body }));
   */
  readonly fetch = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    const route = this.router.match(request.method, path);
    if (route) return this.runRoute(route, request);
    let reply: HttpReply;
    if (request.method !== 'POST') reply = NOT_FOUND;
    else {
      const rawBody = await readWebBody(request, this.maxBodyBytes);
      const host = this.requireHost();
      reply = rawBody
        ? await new Promise<HttpReply>((resolve) => this.deliver({ headers: request.headers, rawBody }, host, resolve))
        : tooLarge(this.maxBodyBytes);
    }
    return new Response(reply.body, { status: reply.status, headers: reply.headers });
  };

  /**
   * A node:http listener, for mounting under express, fastify (`server.server.on('request')`) or a plain server.
   * Deliveries take a direct path (node's headers and bytes straight to the shared endpoint, the
   * reply written with one `writeHead` + `end`); only custom routes go through Web `Request`/`Response`.
   * @example createServer(receiver.requestListener).listen(3000);
   */
  readonly requestListener: RequestListener = (req, res) => {
    try {
      const method = req.method ?? 'GET';
      const route = this.router.size === 0 ? undefined : this.router.match(method, pathOf(req.url ?? '/'));
      if (route) {
        this.serveRoute(route, req, res).catch((error: unknown) => this.failNode(res, error));
        return;
      }
      if (method !== 'POST') return writeNode(res, NOT_FOUND);
      const host = this.requireHost();
      readNodeBody(req, this.maxBodyBytes, (rawBody) => {
        if (!rawBody) {
          // The rest of the body is unread: close the connection rather than parse it as a request.
          const reply = tooLarge(this.maxBodyBytes);
          return writeNode(res, { ...reply, headers: { ...reply.headers, connection: 'close' } });
        }
        try {
          this.deliver({ headers: new NodeHeaders(req.headers), rawBody }, host, (reply) => writeNode(res, reply));
        } catch (error) {
          this.failNode(res, error);
        }
      });
    } catch (error) {
      this.failNode(res, error);
    }
  };

  /**
   * Opens a node:http server for `host`.
   * @example await receiver.start(app, { port: 0 }); console.log(receiver.address()?.url);
   */
  async start(host: ReceiverHost, listen: ListenOptions = {}): Promise<void> {
    if (this.server) throw new Error('The HTTP receiver is already started.');
    if (!this.endpoint) throw new TypeError('signingSecret is missing: an HTTP receiver cannot verify deliveries without it.');
    this.bind(host);
    const server = createServer(this.requestListener);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listen.port ?? 3000, listen.hostname ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((error: unknown) => {
      this.server = undefined;
      throw error;
    });
  }

  /** Where the server listens, once started. @example receiver.address()?.port */
  address(): HttpAddress | undefined {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) return undefined;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { port: address.port, url: `http://${host}:${address.port}` };
  }

  /** Closes the server and every open connection; resolves when the port is free. @example await receiver.stop(); */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // Keep-alive connections would otherwise hold close() open until they time out.
      server.closeAllConnections();
    });
  }

  private requireHost(): ReceiverHost {
    if (!this.host) throw new Error('The HTTP receiver is not bound to an app: call bind(app) or start(app).');
    return this.host;
  }

  private async runRoute(handler: WebHandler, request: Request): Promise<Response> {
    try {
      return await handler(request);
    } catch (error) {
      this.host?.reportError(error);
      return Response.json({ code: 'internal_error', message: 'The request could not be handled.' }, { status: 500 });
    }
  }

  /** The shared endpoint, or a refusal when there is no secret to verify deliveries with. */
  private deliver(request: RequestView, host: ReceiverHost, send: (reply: HttpReply) => void): void {
    if (this.endpoint) {
      this.endpoint(request, host, send);
      return;
    }
    host.reportError(new Error('An HTTP delivery arrived, but this app has no signingSecret to verify it (it receives over its socket).'));
    send(NO_DELIVERIES);
  }

  private async serveRoute(route: WebHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
    let request: Request;
    try {
      request = toWebRequest(req);
    } catch {
      return writeNode(res, jsonReply(400, { code: 'bad_request', message: 'Malformed request line.' }));
    }
    await sendWebResponse(res, await this.runRoute(route, request));
  }

  private failNode(res: ServerResponse, error: unknown): void {
    this.host?.reportError(error);
    if (res.headersSent) res.end();
    else writeNode(res, INTERNAL_ERROR);
  }
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
