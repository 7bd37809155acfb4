import { Workspace, WorkspaceUser } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Authenticator, actorOf } from '../../auth/authenticate.js';
import { errorResponses } from '../../http/schemas.js';
import type { UsersService } from './users-service.js';

const Id = z.string().min(1).max(64);
const NewPersonBody = z.object({
  email: z.string().email().max(320),
  name: z.string().trim().min(1).max(200),
  password: z.string().min(8).max(1024),
  role: z.enum(['owner', 'admin', 'member']).default('member'),
  timeZoneId: z.string().max(64).optional(),
  title: z.string().max(200).optional(),
  avatar: z.string().url().max(2000).optional(),
});
const PatchBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    avatar: z.string().url().max(2000).nullable(),
    timeZoneId: z.string().max(64),
    title: z.string().max(200).nullable(),
    role: z.enum(['owner', 'admin', 'member']),
    status: z.enum(['ACTIVE', 'DEACTIVATED']),
  })
  .partial()
  .strict();

/** Workspace and people routes (PROTOCOL.md section 5, "people"). */
export const usersRoutes: FastifyPluginAsyncZod<{ users: UsersService; auth: Authenticator }> = async (app, { users, auth }) => {
  const tags = ['people'];
  app.addHook('preHandler', auth.required);

  app.get('/v1/workspace', { schema: { tags, summary: 'The caller’s workspace', response: { 200: Workspace, ...errorResponses } } }, async (request) =>
    users.workspace(actorOf(request)),
  );

  app.get(
    '/v1/workspaceUsers',
    { schema: { tags, summary: 'People and bots of the workspace', response: { 200: z.array(WorkspaceUser), ...errorResponses } } },
    async (request) => users.list(actorOf(request)),
  );

  app.get('/v1/users/me', { schema: { tags, summary: 'The caller', response: { 200: WorkspaceUser, ...errorResponses } } }, async (request) => {
    const actor = actorOf(request);
    return users.get(actor, actor.userId);
  });

  app.get(
    '/v1/workspaceUsers/:userId',
    { schema: { tags, summary: 'One person or bot', params: z.object({ userId: Id }), response: { 200: WorkspaceUser, ...errorResponses } } },
    async (request) => users.get(actorOf(request), request.params.userId),
  );

  app.post(
    '/v1/workspaceUsers',
    {
      schema: { tags, summary: 'Add a person to the workspace (owners and admins)', body: NewPersonBody, response: { 201: WorkspaceUser, ...errorResponses } },
    },
    async (request, reply) => reply.status(201).send(await users.addPerson(actorOf(request), request.body)),
  );

  app.patch(
    '/v1/workspaceUsers/:userId',
    {
      schema: {
        tags,
        summary: 'Edit a profile; admins also change roles and deactivate',
        params: z.object({ userId: Id }),
        body: PatchBody,
        response: { 200: WorkspaceUser, ...errorResponses },
      },
    },
    async (request) => users.update(actorOf(request), request.params.userId, request.body),
  );
};
