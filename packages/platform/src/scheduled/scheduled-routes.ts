import { ScheduledMessage, ScheduledMessageAttachmentsBody, ScheduledMessageRequest, ScheduledMessages } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Authenticator, actorOf } from '../auth/authenticate.js';
import { ErrorResponse, errorResponses } from '../http/schemas.js';
import type { ScheduledService } from './scheduled-service.js';

const OneScheduled = z.object({ scheduledMessageId: z.string().min(1).max(64) });

/** `/v1/messages/scheduled…` as the Pumble SDK's messages client calls them. */
export const scheduledRoutes: FastifyPluginAsyncZod<{ scheduled: ScheduledService; auth: Authenticator }> = async (app, { scheduled, auth }) => {
  const tags = ['scheduled messages'];
  app.addHook('preHandler', auth.required);
  const conflict = { 409: ErrorResponse };

  app.get(
    '/v1/messages/scheduled',
    { schema: { tags, summary: 'Your scheduled messages still to be posted, soonest first', response: { 200: ScheduledMessages, ...errorResponses } } },
    async (request) => scheduled.list(actorOf(request)),
  );

  app.post(
    '/v1/messages/scheduled',
    {
      schema: {
        tags,
        summary: 'Schedule a message (posted as you at sendAt; optionally recurring)',
        body: ScheduledMessageRequest,
        response: { 200: ScheduledMessage, ...errorResponses },
      },
    },
    async (request) => scheduled.create(actorOf(request), request.body),
  );

  app.get(
    '/v1/messages/scheduled/:scheduledMessageId',
    { schema: { tags, summary: 'One of your scheduled messages', params: OneScheduled, response: { 200: ScheduledMessage, ...errorResponses } } },
    async (request) => scheduled.get(actorOf(request), request.params.scheduledMessageId),
  );

  app.put(
    '/v1/messages/scheduled/:scheduledMessageId',
    {
      schema: {
        tags,
        summary: 'Replace a scheduled message (409 while it is being posted)',
        params: OneScheduled,
        body: ScheduledMessageRequest,
        response: { 200: ScheduledMessage, ...conflict, ...errorResponses },
      },
    },
    async (request) => scheduled.edit(actorOf(request), request.params.scheduledMessageId, request.body),
  );

  app.put(
    '/v1/messages/scheduled/:scheduledMessageId/attachments',
    {
      schema: {
        tags,
        summary: 'Replace a scheduled message’s attachments',
        params: OneScheduled,
        body: ScheduledMessageAttachmentsBody,
        response: { 200: ScheduledMessage, ...conflict, ...errorResponses },
      },
    },
    async (request) => scheduled.editAttachments(actorOf(request), request.params.scheduledMessageId, request.body.attachments),
  );

  app.delete(
    '/v1/messages/scheduled/:scheduledMessageId',
    {
      schema: { tags, summary: 'Cancel a scheduled message', params: OneScheduled, response: { 204: z.null(), ...conflict, ...errorResponses } },
    },
    async (request, reply) => {
      await scheduled.delete(actorOf(request), request.params.scheduledMessageId);
      return reply.status(204).send(null);
    },
  );
};
