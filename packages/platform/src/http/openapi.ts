import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** Registers OpenAPI generation from the route schemas; call before any route is added. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Switchboard platform API',
        description: 'Chat core, app management, OAuth2 and the app API (Pumble-compatible paths).',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          authtoken: { type: 'apiKey', in: 'header', name: 'Authtoken' },
          session: { type: 'apiKey', in: 'cookie', name: 'sb_session' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
}

/** Serves the generated document; registered after every other route so it lists them all. */
export function registerOpenApiRoute(app: FastifyInstance): void {
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
