import { SwitchboardError } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../http/schemas.js';
import type { IdentityKeys } from './identity-keys.js';
import type { IdentityService } from './identity-service.js';

function basicCredentials(header: string | undefined): { id: string; secret: string } {
  if (!header?.startsWith('Basic ')) throw new SwitchboardError('invalid_client', 'Authenticate the client with HTTP Basic appId:clientSecret.');
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new SwitchboardError('invalid_client', 'Malformed Basic credentials.');
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** `POST /oauth/token` (client_credentials) and the JWKS (PROTOCOL.md 4.3). */
export const identityRoutes: FastifyPluginAsyncZod<{ identity: IdentityService; keys: IdentityKeys }> = async (app, { identity, keys }) => {
  app.post(
    '/oauth/token',
    {
      schema: {
        tags: ['oauth'],
        summary: 'App identity token (grant_type=client_credentials, HTTP Basic appId:clientSecret)',
        body: z.object({ grant_type: z.string().max(64), workspace_id: z.string().max(64).optional(), scope: z.string().max(2000).optional() }),
        response: {
          200: z.object({
            access_token: z.string(),
            token_type: z.literal('Bearer'),
            expires_in: z.number(),
            scope: z.string(),
            id: z.string(),
            jti: z.string(),
          }),
          ...errorResponses,
        },
      },
      config: { rateLimit: { max: 120, timeWindow: 60_000 } },
    },
    async (request, reply) => {
      if (request.body.grant_type !== 'client_credentials') throw new SwitchboardError('unsupported_grant_type', 'This endpoint grants client_credentials.');
      const client = basicCredentials(request.headers.authorization);
      reply.header('cache-control', 'no-store');
      return identity.clientCredentials(client.id, client.secret, request.body.workspace_id);
    },
  );

  app.get('/.well-known/jwks.json', { schema: { tags: ['oauth'], summary: 'Public keys of app-identity tokens' } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return keys.jwks();
  });
};
