import { SwitchboardError } from '@switchboard/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../auth/authenticate.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Browser form posts to these pages carry no token of their own: they are checked even without a session cookie (login CSRF). */
const FORM_PAGES = new Set(['/login', '/access-request']);
/** Body types an HTML form sends without a CORS preflight; /v1 speaks JSON. */
const FORM_TYPES = ['application/x-www-form-urlencoded', 'text/plain'];

function pathOf(request: FastifyRequest): string {
  const q = request.url.indexOf('?');
  return q === -1 ? request.url : request.url.slice(0, q);
}

/** True when the request came from a page of another origin (by `Sec-Fetch-Site`, else by `Origin`). */
export function isCrossOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  if (origin === 'null') return true;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

/**
 * Whether the session cookie is what authenticates the request: people are recognised by
 * `Authtoken` first, else by the cookie, before any app credential is looked at
 * (auth/person-strategy.ts), so only an `Authtoken` header takes the cookie out of play.
 */
function cookieAuthenticated(request: FastifyRequest): boolean {
  if (request.headers.authtoken) return false;
  return (request.headers.cookie ?? '').includes(`${SESSION_COOKIE}=`);
}

/**
 * CSRF defence for everything the browser session cookie authenticates: a state-changing
 * request (or a WebSocket upgrade, which the same-origin policy does not cover) from a page
 * of another origin is refused, and /v1 — a JSON API — refuses the body types an HTML form
 * can send, so a forged form never reaches a handler. SameSite=Lax alone lets same-site
 * subdomains and top-level GET navigations through; this closes both.
 */
export function installCsrfGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const path = pathOf(request);
    const upgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
    const unsafe = !SAFE_METHODS.has(request.method);
    if (!unsafe && !upgrade) return;
    const byCookie = cookieAuthenticated(request);
    if (!byCookie && !FORM_PAGES.has(path)) return;
    if (isCrossOrigin(request)) {
      const refused = new SwitchboardError('forbidden', 'Cross-site request refused: this action must come from a Switchboard page.', { reason: 'cross_site' });
      if (!upgrade) throw refused;
      // Answered before the websocket plugin marks the request as an upgrade, so its clean-up does not run: end the socket here.
      const end = () => request.raw.socket.destroy();
      reply.status(refused.status).header('connection', 'close').send(refused.toBody());
      reply.then(end, end);
      return reply;
    }
    if (byCookie && unsafe && path.startsWith('/v1/')) {
      const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      // An upload from our own page is multipart and carries our Origin; a form without one is refused.
      if (FORM_TYPES.includes(type) || (type === 'multipart/form-data' && request.headers.origin === undefined)) {
        throw new SwitchboardError('unsupported_media_type', 'Send JSON (application/json): form bodies are refused on /v1 with a session cookie.');
      }
    }
  });
}
