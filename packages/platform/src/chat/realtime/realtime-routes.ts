import { SwitchboardError } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type Authenticator, actorOf } from '../../auth/authenticate.js';
import type { RealtimeHub } from './realtime-hub.js';

const HEARTBEAT_MS = 30_000;

/** `GET /v1/realtime`: a WebSocket of chat changes for UI clients (Authtoken header or session cookie). */
export const realtimeRoutes: FastifyPluginAsyncZod<{ hub: RealtimeHub; auth: Authenticator }> = async (app, { hub, auth }) => {
  app.route({
    method: 'GET',
    url: '/v1/realtime',
    preHandler: auth.required,
    schema: { tags: ['realtime'], summary: 'WebSocket of chat changes visible to the caller (send an Upgrade request)' },
    // A plain GET gets a proper error body rather than the websocket plugin's empty 404.
    handler: async () => {
      throw new SwitchboardError('invalid_request', 'This endpoint speaks WebSocket: send an Upgrade request.');
    },
    wsHandler: (socket, request) => {
      const actor = actorOf(request);
      const remove = hub.add(socket, actor.workspaceId, actor.userId, actor.kind === 'person' ? actor.sessionId : undefined);
      let alive = true;
      const heartbeat = setInterval(() => {
        if (!alive) return socket.terminate();
        alive = false;
        socket.ping();
      }, HEARTBEAT_MS);
      heartbeat.unref();
      socket.on('pong', () => {
        alive = true;
      });
      socket.on('message', (data, isBinary) => {
        alive = true;
        if (!isBinary && data.toString() === 'ping') socket.send('pong');
      });
      socket.on('close', () => {
        clearInterval(heartbeat);
        remove();
      });
      socket.send(JSON.stringify({ type: 'hello', data: { workspaceId: actor.workspaceId, userId: actor.userId } }));
    },
  });
};
