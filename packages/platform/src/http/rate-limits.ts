import type { FastifyRequest } from 'fastify';

/**
 * Route-level limit per client address. The global limiter is for app tokens and allow-lists
 * every request without one; route configs inherit that allow-list unless they set their own,
 * so without this a person's sign-in limit would never count anything.
 */
export function perClientLimit(max: number, timeWindowMs: number) {
  return {
    rateLimit: { max, timeWindow: timeWindowMs, allowList: () => false, keyGenerator: (request: FastifyRequest) => request.ip },
  };
}
