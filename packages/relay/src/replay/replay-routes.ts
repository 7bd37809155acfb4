import { SwitchboardError } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Authenticate } from '../auth/authenticate.js';
import type { ConsumerHub } from '../consumers/consumer-hub.js';
import { bodyFields } from '../consumers/event-frames.js';
import { AppIdParam, errorResponses } from '../http/schemas.js';
import type { EventsStore } from '../store/events-store.js';

export interface ReplayRoutesOptions {
  events: EventsStore;
  hub: ConsumerHub;
  authenticate: Authenticate;
  notify: (appId: string) => void;
}

const ListQuery = z.object({
  since: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  state: z.enum(['queued', 'acked']).optional(),
});

/** Ours (what developers ask smee and the Stripe CLI for): list kept events and queue one again. */
export const replayRoutes: FastifyPluginAsyncZod<ReplayRoutesOptions> = async (app, { events, hub, authenticate, notify }) => {
  app.get(
    '/webhooks/:appId/events',
    {
      schema: {
        tags: ['replay'],
        summary: 'Events received since `since` (epoch ms), oldest first: acked ones are kept for the retention window',
        params: AppIdParam,
        querystring: ListQuery,
        response: { 200: z.object({ events: z.array(z.unknown()) }), ...errorResponses },
      },
    },
    async (request) => {
      const { appId } = request.params;
      await authenticate(request, appId);
      const listed = await events.list(appId, request.query);
      return {
        events: listed.map((event) => ({
          id: event.id,
          state: event.state,
          receivedAt: event.receivedAt,
          ackedAt: event.ackedAt,
          attempts: event.attempts,
          deliveryId: event.deliveryId,
          outboundIndex: event.outboundIndex,
          headers: event.headers,
          ...bodyFields(event.body, event.headers),
        })),
      };
    },
  );

  app.post(
    '/webhooks/:appId/events/:id/replay',
    {
      schema: {
        tags: ['replay'],
        summary: 'Queues an acked event again; consumers get it like a new one (same id)',
        params: AppIdParam.extend({ id: z.string().min(1).max(128) }),
        response: { 202: z.object({ id: z.string(), state: z.literal('queued') }), ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (request, reply) => {
      const { appId, id } = request.params;
      await authenticate(request, appId);
      if (!(await events.requeue(appId, id))) {
        const existing = await events.get(appId, id);
        if (existing?.state === 'queued') throw new SwitchboardError('conflict', 'The event is still queued; it will be delivered without a replay.');
        throw new SwitchboardError('not_found', 'No such event (it may be past the retention window).');
      }
      hub.wake(appId);
      notify(appId);
      return reply.status(202).send({ id, state: 'queued' as const });
    },
  );
};
