import { SwitchboardError } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Authenticator, actorOf, personOf } from '../auth/authenticate.js';
import { errorResponses } from '../http/schemas.js';
import type { LifecycleService } from '../oauth/lifecycle-service.js';

const isAdmin = (role: string) => role === 'owner' || role === 'admin';

/** An app ending its own authorization or installation (PROTOCOL.md 5 "app self"), and admins uninstalling. */
export const appSelfRoutes: FastifyPluginAsyncZod<{ lifecycle: LifecycleService; auth: Authenticator }> = async (app, { lifecycle, auth }) => {
  const tags = ['apps'];
  app.addHook('preHandler', auth.required);

  app.delete(
    '/v1/app/authorization',
    { schema: { tags, summary: 'Unauthorize the app for the token’s person', response: { 204: z.null(), ...errorResponses } } },
    async (request, reply) => {
      const actor = actorOf(request);
      if (actor.kind !== 'app' || actor.tokenKind !== 'user') throw new SwitchboardError('forbidden', 'Call this with a user access token of the app.');
      await lifecycle.unauthorize(actor.appId, actor.workspaceId, actor.userId);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/v1/app/installation',
    { schema: { tags, summary: 'Uninstall the app from the token’s workspace', response: { 204: z.null(), ...errorResponses } } },
    async (request, reply) => {
      const actor = actorOf(request);
      if (actor.kind !== 'app') throw new SwitchboardError('forbidden', 'Call this with a token of the app.');
      if (actor.tokenKind === 'user' && !isAdmin(actor.role)) throw new SwitchboardError('forbidden', 'Only a workspace admin uninstalls an app.');
      await lifecycle.uninstall(actor.appId, actor.workspaceId, actor.userId);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/v1/apps/:appId/installation',
    {
      schema: {
        tags,
        summary: 'A workspace admin uninstalls an app',
        params: z.object({ appId: z.string().min(1).max(64) }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const person = personOf(request);
      if (!isAdmin(person.role)) throw new SwitchboardError('forbidden', 'Only a workspace admin uninstalls an app.');
      await lifecycle.uninstall(request.params.appId, person.workspaceId, person.userId);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/v1/apps/:appId/authorization',
    {
      schema: {
        tags,
        summary: 'A person withdraws their authorization of an app',
        params: z.object({ appId: z.string().min(1).max(64) }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const person = personOf(request);
      await lifecycle.unauthorize(request.params.appId, person.workspaceId, person.userId);
      return reply.status(204).send(null);
    },
  );
};
