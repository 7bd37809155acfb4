import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Store } from '../store/db.js';

/** Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database answers). */
export const healthRoutes: FastifyPluginAsyncZod<{ store: Store; isClosing: () => boolean }> = async (app, { store, isClosing }) => {
  const Status = z.object({ status: z.string(), dialect: z.string().optional() });
  app.get('/healthz', { schema: { tags: ['health'], response: { 200: Status } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['health'], response: { 200: Status, 503: Status } } }, async (_request, reply) => {
    if (isClosing()) return reply.status(503).send({ status: 'shutting_down' });
    try {
      await sql`select 1`.execute(store.db);
      return { status: 'ready', dialect: store.dialect };
    } catch {
      return reply.status(503).send({ status: 'database_unavailable', dialect: store.dialect });
    }
  });
};
