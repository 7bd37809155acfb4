import type { FastifyRequest } from 'fastify';
import type { Actor } from './actor.js';
import { SESSION_COOKIE } from './authenticate.js';
import type { SessionsService } from './sessions-service.js';

/** Recognises people by the `Authtoken` header (JWT) or the browser session cookie. */
export function personStrategy(sessions: SessionsService) {
  return async (request: FastifyRequest): Promise<Actor | undefined> => {
    const header = request.headers.authtoken;
    if (typeof header === 'string' && header.length > 0) return sessions.authenticateToken(header);
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (cookie) return sessions.authenticateCookie(cookie);
    return undefined;
  };
}
