import { Message, MessagePage, PostMessageBody } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Authenticator, actorOf } from '../../auth/authenticate.js';
import { errorResponses } from '../../http/schemas.js';
import type { MessagesService } from './messages-service.js';

const Id = z.string().min(1).max(64);
const InChannel = z.object({ channelId: Id });
const OneMessage = z.object({ channelId: Id, messageId: Id });
const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(64).optional(),
  strategy: z.enum(['BEFORE', 'AFTER']).default('BEFORE'),
});
const EditBody = z
  .object({
    text: z.string().max(40_000),
    blocks: z.array(z.unknown()).max(100),
    attachments: z.array(z.unknown()).max(100),
    // Present on Pumble's editEphemeralMessage (same path): who sees the new version.
    ephemeral: z.object({ threadRootId: Id.optional(), sendToUsers: z.array(Id).min(1).max(1000) }),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'Send text, blocks or attachments to change.');
const AttachmentsBody = z.object({ attachments: z.array(z.unknown()).max(100) });
const ReactionBody = z.object({
  code: z.string().regex(/^:[a-z0-9_+-]{1,64}:$/, 'A reaction code looks like :thumbsup:'),
});

/** Message, thread, ephemeral and reaction routes (PROTOCOL.md section 5). */
export const messagesRoutes: FastifyPluginAsyncZod<{ messages: MessagesService; auth: Authenticator }> = async (app, { messages, auth }) => {
  const tags = ['messages'];
  app.addHook('preHandler', auth.required);

  app.post(
    '/v1/channels/:channelId/messages',
    {
      schema: {
        tags,
        summary: 'Post a message (with `ephemeral` it goes to the named people only)',
        params: InChannel,
        body: PostMessageBody,
        response: { 201: Message, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await messages.post(actorOf(request), request.params.channelId, request.body)),
  );

  app.post(
    '/v1/channels/:channelId/messages/:messageId',
    { schema: { tags, summary: 'Reply in the thread of a message', params: OneMessage, body: PostMessageBody, response: { 201: Message, ...errorResponses } } },
    async (request, reply) => reply.status(201).send(await messages.post(actorOf(request), request.params.channelId, request.body, request.params.messageId)),
  );

  app.get(
    '/v1/channels/:channelId/messages',
    {
      schema: {
        tags,
        summary: 'A page of channel history (thread roots), oldest first',
        params: InChannel,
        querystring: PageQuery,
        response: { 200: MessagePage, ...errorResponses },
      },
    },
    async (request) => messages.history(actorOf(request), request.params.channelId, request.query),
  );

  app.get(
    '/v1/channels/:channelId/messages/:messageId',
    { schema: { tags, summary: 'One message', params: OneMessage, response: { 200: Message, ...errorResponses } } },
    async (request) => messages.get(actorOf(request), request.params.channelId, request.params.messageId),
  );

  app.get(
    '/v1/channels/:channelId/messages/:messageId/replies',
    {
      schema: {
        tags,
        summary: 'A page of a thread’s replies, oldest first',
        params: OneMessage,
        querystring: PageQuery,
        response: { 200: z.array(Message), ...errorResponses },
      },
    },
    async (request) =>
      messages.replies(actorOf(request), request.params.channelId, request.params.messageId, { ...request.query, strategy: request.query.strategy }),
  );

  app.put(
    '/v1/channels/:channelId/messages/:messageId',
    {
      schema: {
        tags,
        summary: 'Edit your message (with `ephemeral`, edit an ephemeral message you sent)',
        params: OneMessage,
        body: EditBody,
        response: { 200: Message, ...errorResponses },
      },
    },
    async (request) => {
      const { channelId, messageId } = request.params;
      const { ephemeral, ...content } = request.body;
      if (ephemeral) return messages.editEphemeral(actorOf(request), channelId, messageId, { ...content, text: content.text ?? '', ephemeral });
      return messages.edit(actorOf(request), channelId, messageId, content);
    },
  );

  app.put(
    '/v1/channels/:channelId/messages/:messageId/attachments',
    {
      schema: {
        tags,
        summary: 'Replace the attachments of your message',
        params: OneMessage,
        body: AttachmentsBody,
        response: { 200: Message, ...errorResponses },
      },
    },
    async (request) => messages.editAttachments(actorOf(request), request.params.channelId, request.params.messageId, request.body.attachments),
  );

  app.delete(
    '/v1/channels/:channelId/messages/:messageId',
    { schema: { tags, summary: 'Delete a message (author or admin)', params: OneMessage, response: { 204: z.null(), ...errorResponses } } },
    async (request, reply) => {
      await messages.delete(actorOf(request), request.params.channelId, request.params.messageId);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/v1/channels/:channelId/messages/:messageId/ephemeral',
    {
      schema: {
        tags,
        summary: 'Withdraw an ephemeral message you sent (or dismiss one sent to you, for yourself)',
        params: OneMessage,
        body: z.object({ threadRootId: Id.optional(), deleteForUsers: z.array(Id).min(1).max(1000) }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { channelId, messageId } = request.params;
      await messages.deleteEphemeral(actorOf(request), channelId, messageId, request.body.deleteForUsers, request.body.threadRootId);
      return reply.status(204).send(null);
    },
  );

  for (const [method, add] of [
    ['post', true],
    ['delete', false],
  ] as const) {
    app[method](
      '/v1/messages/:messageId/reactions',
      {
        schema: {
          tags,
          summary: add ? 'React to a message' : 'Remove your reaction',
          params: z.object({ messageId: Id }),
          body: ReactionBody,
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await messages.react(actorOf(request), request.params.messageId, request.body.code, add);
        return reply.status(204).send(null);
      },
    );
  }
};
