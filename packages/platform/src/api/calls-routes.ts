import { NotSupportedError, SwitchboardError } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type Authenticator, actorOf } from '../auth/authenticate.js';
import { errorResponses } from '../http/schemas.js';

/**
 * Pumble's `createPermanentCall`. Switchboard has no calls; the route exists so an app gets a
 * documented, stable refusal (501 `not_supported`, docs/api.md) rather than a 404 that looks
 * like a wrong base URL. The scope is still checked first, as for every app route.
 */
export const callsRoutes: FastifyPluginAsyncZod<{ auth: Authenticator }> = async (app, { auth }) => {
  app.addHook('preHandler', auth.required);
  app.post(
    '/v1/calls/permanent',
    { schema: { tags: ['calls'], summary: 'Not supported: Switchboard has no calls (501)', response: { 501: NotSupportedError, ...errorResponses } } },
    async (request) => {
      actorOf(request);
      throw new SwitchboardError('not_supported', 'Switchboard has no calls; permanent call links cannot be created.');
    },
  );
};
