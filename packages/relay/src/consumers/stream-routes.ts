import { SwitchboardError } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppIdentity } from '../auth/app-token-verifier.js';
import type { Authenticate } from '../auth/authenticate.js';
import { AppIdParam, errorResponses } from '../http/schemas.js';
import type { Registrations } from '../registrations/registrations.js';
import type { DrainService } from './drain-service.js';
import { runWsSession, type WsSessionContext } from './ws-session.js';

export interface StreamRoutesOptions {
  drain: DrainService;
  registrations: Registrations;
  authenticate: Authenticate;
  session: WsSessionContext;
}

const DrainQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  ack: z.string().min(1).max(128).optional(),
  access_token: z.string().optional(),
});

declare module 'fastify' {
  interface FastifyRequest {
    relayIdentity?: AppIdentity;
  }
}

/**
 * `GET /webhooks/:appId`: a plain GET drains (seed 004, or our safe `?limit` form); a WebSocket
 * upgrade on the same path streams events and triggers. Both authenticate before anything else.
 */
export const streamRoutes: FastifyPluginAsyncZod<StreamRoutesOptions> = async (app, { drain, registrations, authenticate, session }) => {
  app.route({
    method: 'GET',
    url: '/webhooks/:appId',
    schema: {
      tags: ['consumers'],
      summary: 'Drain stored events (seed: all, removed; `?limit`: a page, removed on the next call’s `ack`), or WebSocket stream',
      params: AppIdParam,
      querystring: DrainQuery,
      response: { 200: z.unknown(), ...errorResponses },
    },
    preValidation: async (request) => {
      const { appId } = request.params as { appId: string };
      request.relayIdentity = await authenticate(request, appId);
      if (!(await registrations.secrets(appId))) throw new SwitchboardError('not_found', 'No app is registered with the relay under that id.');
    },
    handler: async (request) => {
      const { appId } = request.params;
      const { limit, ack } = request.query;
      if (limit === undefined) {
        if (ack !== undefined) throw new SwitchboardError('invalid_request', '`ack` goes with `limit` (the safe drain).');
        return drain.drainAll(appId);
      }
      return drain.drainPage(appId, limit, ack);
    },
    wsHandler: (socket, request) => {
      const { appId } = request.params as { appId: string };
      runWsSession(socket, request.raw.socket, appId, request.relayIdentity?.expiresAt ?? Number.POSITIVE_INFINITY, session);
    },
  });
};
