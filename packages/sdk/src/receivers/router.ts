/**
 * Custom HTTP routes next to the delivery endpoint (seed 000's `onServerConfiguring`), kept
 * framework-free: a table of method + exact path → Web handler. The same table serves
 * `app.fetch`, `app.requestListener` and `app.start`, so a route works on every adapter.
 */

/** A Web-standard handler: what Hono, Deno, Bun and workers all speak. */
export type WebHandler = (request: Request) => Response | Promise<Response>;

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * @example
 * const router = new Router();
 * router.get('/health', () => new Response('ok'));
 * router.match('GET', '/health'); // the handler
 */
export class Router {
  private readonly routes = new Map<string, WebHandler>();

  /**
   * Adds a route; a second handler for the same method and path is a mistake, so it throws.
   * @example router.route('PUT', '/settings', async (request) => Response.json(await save(await request.json())));
   */
  route(method: RouteMethod, path: string, handler: WebHandler): this {
    if (!path.startsWith('/')) throw new TypeError(`Route path must start with "/": ${path}`);
    const key = `${method} ${path}`;
    if (this.routes.has(key)) throw new Error(`Route ${key} is already registered.`);
    this.routes.set(key, handler);
    return this;
  }

  /** @example router.get('/health', () => new Response('ok')); */
  get(path: string, handler: WebHandler): this {
    return this.route('GET', path, handler);
  }

  /** @example router.post('/webhooks/github', (request) => new Response(null, { status: 204 })); */
  post(path: string, handler: WebHandler): this {
    return this.route('POST', path, handler);
  }

  /** How many routes are registered; 0 lets a receiver skip matching entirely. */
  get size(): number {
    return this.routes.size;
  }

  /**
   * The handler for a request line, if any. HEAD falls back to GET like every HTTP server.
   * @example router.match('GET', new URL(request.url).pathname)
   */
  match(method: string, path: string): WebHandler | undefined {
    return this.routes.get(`${method} ${path}`) ?? (method === 'HEAD' ? this.routes.get(`GET ${path}`) : undefined);
  }
}
