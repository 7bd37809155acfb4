import { PumbleUserGroup } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Authenticator, actorOf } from '../../auth/authenticate.js';
import { errorResponses } from '../../http/schemas.js';
import type { UserGroupsService } from './user-groups-service.js';

const Id = z.string().min(1).max(64);
const Group = z.object({
  name: z.string().trim().min(1).max(100),
  handle: z.string().trim().min(1).max(64),
  description: z.string().max(1000).optional(),
  workspaceUserIds: z.array(Id).max(1000).optional(),
});

/**
 * User groups under `/v1/workspaceUsers/groups`. The paths are static, so the router prefers
 * them to `/v1/workspaceUsers/:userId` whatever the registration order.
 */
export const userGroupsRoutes: FastifyPluginAsyncZod<{ groups: UserGroupsService; auth: Authenticator }> = async (app, { groups, auth }) => {
  const tags = ['people'];
  app.addHook('preHandler', auth.required);

  app.get(
    '/v1/workspaceUsers/groups',
    { schema: { tags, summary: 'The workspace’s user groups with their members', response: { 200: z.array(PumbleUserGroup), ...errorResponses } } },
    async (request) => groups.list(actorOf(request)),
  );

  app.get(
    '/v1/workspaceUsers/groups/:groupId',
    { schema: { tags, summary: 'One user group', params: z.object({ groupId: Id }), response: { 200: PumbleUserGroup, ...errorResponses } } },
    async (request) => groups.get(actorOf(request), request.params.groupId),
  );

  app.post(
    '/v1/workspaceUsers/groups',
    { schema: { tags, summary: 'Create a user group (`@handle` mentions it)', body: Group, response: { 201: PumbleUserGroup, ...errorResponses } } },
    async (request, reply) => reply.status(201).send(await groups.create(actorOf(request), request.body)),
  );

  app.put(
    '/v1/workspaceUsers/groups/:groupId',
    {
      schema: {
        tags,
        summary: 'Change a group: name, handle, description, disabled, or its members (the whole list)',
        params: z.object({ groupId: Id }),
        body: Group.extend({ disabled: z.boolean() }).partial().strict(),
        response: { 200: PumbleUserGroup, ...errorResponses },
      },
    },
    async (request) => groups.update(actorOf(request), request.params.groupId, request.body),
  );
};
