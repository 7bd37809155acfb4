import { createHash, timingSafeEqual } from 'node:crypto';
import { SwitchboardError } from '@switchboard/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../http/schemas.js';
import { specialRange } from '../outbound/address-ranges.js';
import type { DeliveryMetrics } from './delivery-metrics.js';

export interface MetricsRoutesOptions {
  metrics: DeliveryMetrics;
  /** When set, required as `Authorization: Bearer <token>` from every client; else only loopback clients are served. */
  token?: string;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Who may scrape. With a token: whoever presents it (compared in constant time). Without one:
 * loopback clients only (`trustProxy` is off, so this is the socket's address) — behind a proxy
 * on the same host every client looks local, so such deployments must set the token.
 */
function authorize(request: FastifyRequest, token: Buffer | undefined): void {
  if (token) {
    const presented = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (presented === undefined || !timingSafeEqual(digest(presented), token)) {
      throw new SwitchboardError('unauthenticated', '/metrics needs Authorization: Bearer <metrics token>.');
    }
    return;
  }
  if (specialRange(request.socket.remoteAddress ?? '') !== 'loopback') {
    throw new SwitchboardError('forbidden', '/metrics only answers loopback clients unless a metrics token is configured (SWITCHBOARD_METRICS_TOKEN).');
  }
}

/** Prometheus text exposition of the delivery metrics and the process metrics. */
export const metricsRoutes: FastifyPluginAsyncZod<MetricsRoutesOptions> = async (app, { metrics, token }) => {
  const expected = token ? digest(token) : undefined;
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['ops'],
        summary: 'Prometheus metrics (loopback clients, or Authorization: Bearer <metrics token> when one is configured)',
        headers: z.looseObject({ authorization: z.string().max(512).optional() }),
        response: { 200: z.string().describe('Prometheus text format 0.0.4'), ...errorResponses },
      },
    },
    async (request, reply) => {
      authorize(request, expected);
      const text = await metrics.text();
      // The route serialiser writes JSON; this body is already text.
      return reply
        .header('content-type', metrics.contentType)
        .serializer((payload) => payload as string)
        .send(text);
    },
  );
};
