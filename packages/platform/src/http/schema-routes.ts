import { manifestJsonSchema } from '@switchboard/protocol';
import type { FastifyPluginAsync } from 'fastify';

/** Published JSON Schemas, generated from the zod schemas in @switchboard/protocol. */
export const schemaRoutes: FastifyPluginAsync = async (app) => {
  const manifest = manifestJsonSchema();
  app.get('/schemas/manifest.json', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('application/schema+json').send(JSON.stringify(manifest)),
  );
};
