import { SocketConnectionResponse, SwitchboardError } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppsService } from '../apps/apps-service.js';
import { manifestOf } from '../apps/apps-service.js';
import { constantTimeEqual, hashToken } from '../security/tokens.js';
import type { SocketHub } from './socket-hub.js';

export interface SocketRoutesOptions {
  hub: SocketHub;
  apps: AppsService;
  /** The node's public URL, when behind a proxy (https → wss). */
  publicUrl?: string;
}

/**
 * Socket mode (PROTOCOL.md 7): `GET /apps/{appId}/websocket-connection?appKey=…` hands out a
 * single-use ticket URL; `GET /apps/socket?ticket=…` is the WebSocket itself.
 */
export const socketRoutes: FastifyPluginAsyncZod<SocketRoutesOptions> = async (app, { hub, apps, publicUrl }) => {
  app.get(
    '/apps/:appId/websocket-connection',
    {
      schema: {
        tags: ['socket-mode'],
        summary: 'A single-use WebSocket URL (valid 60 s) for a socket-mode app',
        params: z.object({ appId: z.string().min(1).max(100) }),
        querystring: z.object({ appKey: z.string().max(500).optional() }),
        response: { 200: SocketConnectionResponse },
      },
    },
    async (request) => {
      const { appId } = request.params;
      const row = await apps.find(appId);
      if (!row) throw new SwitchboardError('not_found', 'No app with that id.');
      const appKey = request.query.appKey ?? '';
      if (!constantTimeEqual(hashToken(appKey), row.app_key_hash)) throw new SwitchboardError('invalid_token', 'The appKey does not match this app.');
      if (!manifestOf(row).socketMode) request.log.info({ appId }, 'socket connection for an app without socketMode');
      const base = publicUrl ?? `${request.protocol}://${request.headers.host ?? request.hostname}`;
      const url = new URL('/apps/socket', base);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      url.searchParams.set('ticket', hub.issueTicket(appId));
      return { url: url.toString() };
    },
  );

  app.route({
    method: 'GET',
    url: '/apps/socket',
    schema: {
      tags: ['socket-mode'],
      summary: 'The socket-mode WebSocket (ticket from websocket-connection)',
      querystring: z.object({ ticket: z.string().max(200).optional(), acks: z.string().max(20).optional() }),
    },
    // Validated (and spent) before the upgrade: a bad ticket gets a plain 401.
    preHandler: async (request) => {
      const ticket = (request.query as { ticket?: string }).ticket ?? '';
      const appId = hub.consumeTicket(ticket);
      if (!appId) throw new SwitchboardError('invalid_token', 'The ticket is unknown, spent or expired.');
      (request as unknown as { socketAppId: string }).socketAppId = appId;
    },
    handler: async () => {
      throw new SwitchboardError('invalid_request', 'This endpoint speaks WebSocket: send an Upgrade request.');
    },
    wsHandler: (socket, request) => {
      const appId = (request as unknown as { socketAppId: string }).socketAppId;
      hub.add(appId, socket, (request.query as { acks?: string }).acks === 'events');
    },
  });
};
