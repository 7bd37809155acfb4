import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { perClientLimit } from '../http/rate-limits.js';
import { errorResponses } from '../http/schemas.js';
import type { LeadService } from './lead-service.js';

export interface LeadRoutesOptions {
  leads: LeadService;
}

const Email = z.string().trim().max(320).pipe(z.email());
const Opaque = z.string().min(1).max(512);

/**
 * pumble-cli's sign-in by e-mail code (PROTOCOL.md 2), with the bodies it sends:
 * `/lead` → `/lead/activate` → `/lead/login` → `/workspaces/{ws}/exchange`.
 */
export const leadRoutes: FastifyPluginAsyncZod<LeadRoutesOptions> = async (app, { leads }) => {
  const tags = ['people'];

  app.post(
    '/lead',
    {
      schema: {
        tags,
        summary: 'Send a sign-in code to an e-mail address (by mail, or to the server log without SMTP)',
        body: z.object({ email: Email }),
        response: { 200: z.object({ id: z.string() }), ...errorResponses },
      },
      config: perClientLimit(10, 60_000),
    },
    async (request) => leads.start(request.body.email),
  );

  app.post(
    '/lead/activate',
    {
      schema: {
        tags,
        summary: 'Check the code (5 tries); older pumble-cli versions omit leadId',
        body: z.object({ email: Email, code: z.string().min(1).max(32), leadId: Opaque.optional() }),
        response: { 204: z.null(), ...errorResponses },
      },
      config: perClientLimit(20, 60_000),
    },
    async (request, reply) => {
      await leads.activate(request.body.email, request.body.code, request.body.leadId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/lead/login',
    {
      schema: {
        tags,
        summary: 'Trade an activated lead (once) for an exchange token per workspace',
        body: z.object({ leadId: Opaque }),
        response: {
          200: z.object({
            items: z.array(
              z.object({ workspace: z.object({ id: z.string(), name: z.string() }), workspaceUser: z.object({ id: z.string() }), exchangeToken: z.string() }),
            ),
          }),
          ...errorResponses,
        },
      },
      config: perClientLimit(20, 60_000),
    },
    async (request) => leads.login(request.body.leadId),
  );

  app.post(
    '/workspaces/:workspaceId/exchange',
    {
      schema: {
        tags,
        summary: 'Trade an exchange token (once) for an Authtoken JWT and a refresh token',
        params: z.object({ workspaceId: z.string().min(1).max(64) }),
        body: z.object({ exchangeToken: Opaque }),
        response: { 200: z.object({ token: z.string(), refreshToken: z.string() }), ...errorResponses },
      },
      config: perClientLimit(20, 60_000),
    },
    async (request) => {
      const session = await leads.exchange(request.params.workspaceId, request.body.exchangeToken);
      return { token: session.token, refreshToken: session.refreshToken };
    },
  );
};
