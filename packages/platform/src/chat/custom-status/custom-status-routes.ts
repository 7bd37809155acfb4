import { UpdateCustomStatusBody, WorkspaceUser } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Authenticator, actorOf } from '../../auth/authenticate.js';
import { errorResponses } from '../../http/schemas.js';
import type { CustomStatusService } from './custom-status-service.js';

/** `PUT /v1/workspaceUsers/customStatus` (Pumble) and clearing it (ours). */
export const customStatusRoutes: FastifyPluginAsyncZod<{ statuses: CustomStatusService; auth: Authenticator }> = async (app, { statuses, auth }) => {
  const tags = ['people'];
  app.addHook('preHandler', auth.required);

  app.put(
    '/v1/workspaceUsers/customStatus',
    {
      schema: {
        tags,
        summary: 'Set the caller’s custom status (shown on their profile until it expires)',
        body: UpdateCustomStatusBody,
        response: { 200: WorkspaceUser, ...errorResponses },
      },
    },
    async (request) => statuses.set(actorOf(request), request.body),
  );

  app.delete(
    '/v1/workspaceUsers/customStatus',
    { schema: { tags, summary: 'Clear the caller’s custom status', response: { 204: z.null(), ...errorResponses } } },
    async (request, reply) => {
      await statuses.clear(actorOf(request));
      return reply.status(204).send(null);
    },
  );
};
