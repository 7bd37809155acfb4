import { ChannelInfo, ChannelType, PostingPermissions, UsersAddedToChannel } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Authenticator, actorOf } from '../../auth/authenticate.js';
import { errorResponses } from '../../http/schemas.js';
import type { ChannelsService } from './channels-service.js';

const Id = z.string().min(1).max(64);
const ChannelParams = z.object({ channelId: Id });
const idList = z
  .string()
  .max(2000)
  .transform((value) =>
    value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

/** Channel routes (PROTOCOL.md section 5, "channels"). */
export const channelsRoutes: FastifyPluginAsyncZod<{ channels: ChannelsService; auth: Authenticator }> = async (app, { channels, auth }) => {
  const tags = ['channels'];
  app.addHook('preHandler', auth.required);

  app.get(
    '/v1/channels',
    {
      schema: {
        tags,
        summary: 'Channels the caller can see',
        querystring: z.object({
          types: z
            .string()
            .max(100)
            .optional()
            .transform((v, ctx) => {
              const list = (v ?? 'PUBLIC,PRIVATE,DIRECT,SELF').split(',').map((s) => s.trim());
              const parsed = z.array(ChannelType).safeParse(list);
              if (!parsed.success) {
                ctx.addIssue({ code: 'custom', message: 'types is a comma-separated list of PUBLIC, PRIVATE, DIRECT, SELF' });
                return z.NEVER;
              }
              return parsed.data;
            }),
        }),
        response: { 200: z.array(ChannelInfo), ...errorResponses },
      },
    },
    async (request) => channels.list(actorOf(request), request.query.types),
  );

  app.post(
    '/v1/channels',
    {
      schema: {
        tags,
        summary: 'Create a public or private channel',
        body: z.object({
          name: z.string().trim().min(1).max(80),
          type: z.enum(['PUBLIC', 'PRIVATE']).default('PUBLIC'),
          description: z.string().max(1000).optional(),
          userIds: z.array(Id).max(1000).optional(),
        }),
        response: { 201: ChannelInfo, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await channels.create(actorOf(request), request.body)),
  );

  const directSchema = {
    tags,
    summary: 'The direct channel with these people, opened on first use',
    querystring: z.object({ participantIds: idList.optional() }),
    body: z.object({ participantIds: z.array(Id).max(8) }).optional(),
    response: { 200: ChannelInfo, ...errorResponses },
  };
  const { body: _directBody, ...directQuerySchema } = directSchema;
  // GET opens the conversation too: the Pumble SDK's dmUser() posts to whatever GET answers.
  app.get('/v1/channels/direct', { schema: directQuerySchema }, async (request) => channels.direct(actorOf(request), request.query.participantIds ?? [], true));
  app.post('/v1/channels/direct', { schema: directSchema }, async (request) =>
    channels.direct(actorOf(request), request.body?.participantIds ?? request.query.participantIds ?? [], true),
  );

  app.get(
    '/v1/channels/:channelId',
    { schema: { tags, summary: 'A channel and its members', params: ChannelParams, response: { 200: ChannelInfo, ...errorResponses } } },
    async (request) => channels.info(actorOf(request), request.params.channelId),
  );

  app.post(
    '/v1/channels/:channelId/users',
    {
      schema: {
        tags,
        summary: 'Add people to a channel; answers who was actually added',
        params: ChannelParams,
        body: z.object({ userIds: z.array(Id).min(1).max(1000), inviteMessageId: Id.optional(), addEachWorkspaceUser: z.boolean().optional() }),
        response: { 200: UsersAddedToChannel, ...errorResponses },
      },
    },
    async (request) => channels.addMembers(actorOf(request), request.params.channelId, request.body.userIds),
  );

  app.delete(
    '/v1/channels/:channelId/users/:userId',
    {
      schema: {
        tags,
        summary: 'Remove someone (or yourself) from a channel',
        params: z.object({ channelId: Id, userId: Id }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await channels.removeMember(actorOf(request), request.params.channelId, request.params.userId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/channels/:channelId/join',
    { schema: { tags, summary: 'Join a public channel', params: ChannelParams, response: { 200: ChannelInfo, ...errorResponses } } },
    async (request) => channels.join(actorOf(request), request.params.channelId),
  );

  app.post(
    '/v1/channels/:channelId/leave',
    { schema: { tags, summary: 'Leave a channel', params: ChannelParams, response: { 204: z.null(), ...errorResponses } } },
    async (request, reply) => {
      const actor = actorOf(request);
      await channels.removeMember(actor, request.params.channelId, actor.userId);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/v1/channels/:channelId/postingPermissions',
    {
      schema: {
        tags,
        summary: 'Owners and admins choose who may post (everyone, admins, admins plus listed people)',
        params: ChannelParams,
        body: PostingPermissions.partial().strict(),
        response: { 200: ChannelInfo, ...errorResponses },
      },
    },
    async (request) => channels.setPostingPermissions(actorOf(request), request.params.channelId, request.body),
  );

  app.get(
    '/v1/channels/direct/list',
    { schema: { tags, summary: 'The caller’s direct and group conversations', response: { 200: z.array(ChannelInfo), ...errorResponses } } },
    async (request) => channels.list(actorOf(request), ['DIRECT']),
  );

  app.post(
    '/v1/channels/:channelId/archive',
    { schema: { tags, summary: 'Archive a channel', params: ChannelParams, response: { 200: ChannelInfo, ...errorResponses } } },
    async (request) => channels.archive(actorOf(request), request.params.channelId),
  );
};
