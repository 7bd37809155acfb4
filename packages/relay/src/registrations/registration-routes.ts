import { SwitchboardError } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Authenticate } from '../auth/authenticate.js';
import { AppIdParam, errorResponses } from '../http/schemas.js';
import type { Registrations } from './registrations.js';

export interface RegistrationRoutesOptions {
  registrations: Registrations;
  authenticate: Authenticate;
  perMinute: number;
}

const Secret = z.string().min(1).max(512);

/** Seed 004's body, `{"secret"}`; ours adds `secrets` for a second one (a webhook next to a signing secret, or a rotation). */
const RegisterBody = z.object({ secret: Secret, secrets: z.array(Secret).max(4).optional() });

/** `PUT` / `DELETE /webhooks/:appId` (seed 004): which apps the relay takes hooks for. */
export const registrationRoutes: FastifyPluginAsyncZod<RegistrationRoutesOptions> = async (app, { registrations, authenticate, perMinute }) => {
  const rateLimit = { max: perMinute, timeWindow: 60_000 };

  app.put(
    '/webhooks/:appId',
    {
      config: { rateLimit },
      schema: {
        tags: ['registrations'],
        summary: 'Registers the app and the secret its hooks are signed with (201)',
        params: AppIdParam,
        body: RegisterBody,
        response: { 201: z.object({ appId: z.string(), created: z.boolean() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { appId } = request.params;
      await authenticate(request, appId);
      const secrets = [...new Set([request.body.secret, ...(request.body.secrets ?? [])])];
      const created = await registrations.register(appId, secrets);
      request.log.info({ appId, created }, 'app registered with the relay');
      return reply.status(201).send({ appId, created });
    },
  );

  app.delete(
    '/webhooks/:appId',
    {
      config: { rateLimit },
      schema: {
        tags: ['registrations'],
        summary: 'Removes the registration and every stored event of the app',
        params: AppIdParam,
        response: { 200: z.object({ appId: z.string(), deleted: z.literal(true) }), ...errorResponses },
      },
    },
    async (request) => {
      const { appId } = request.params;
      await authenticate(request, appId);
      if (!(await registrations.unregister(appId))) throw new SwitchboardError('not_found', 'No app is registered with the relay under that id.');
      request.log.info({ appId }, 'app unregistered from the relay');
      return { appId, deleted: true as const };
    },
  );
};
