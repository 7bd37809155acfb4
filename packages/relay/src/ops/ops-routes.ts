import type { FastifyPluginAsync } from 'fastify';
import { type Kysely, sql } from 'kysely';
import type { RelayDatabase } from '../store/schema.js';
import type { RelayMetrics } from './relay-metrics.js';

export interface OpsRoutesOptions {
  metrics: RelayMetrics;
  db: Kysely<RelayDatabase>;
  isClosing: () => boolean;
}

/** `/healthz` (the process answers), `/readyz` (the store answers, not shutting down), `/metrics`. */
export const opsRoutes: FastifyPluginAsync<OpsRoutesOptions> = async (app, { metrics, db, isClosing }) => {
  app.get('/healthz', { schema: { tags: ['ops'], summary: 'Liveness' } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { tags: ['ops'], summary: 'Readiness: the store answers and the relay is not shutting down' } }, async (_request, reply) => {
    if (isClosing()) return reply.status(503).send({ code: 'unavailable', message: 'The relay is shutting down.' });
    try {
      await sql`select 1`.execute(db);
    } catch {
      return reply.status(503).send({ code: 'unavailable', message: 'The relay’s store does not answer.' });
    }
    return { status: 'ready' };
  });

  app.get('/metrics', { schema: { tags: ['ops'], summary: 'Prometheus metrics' } }, async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).serializer(String).send(body);
  });
};
