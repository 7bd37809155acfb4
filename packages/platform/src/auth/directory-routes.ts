import { SwitchboardError } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UsersStore } from '../chat/users/users-store.js';
import { perClientLimit } from '../http/rate-limits.js';
import { errorResponses } from '../http/schemas.js';
import type { Authenticator } from './authenticate.js';

export interface DirectoryRoutesOptions {
  users: UsersStore;
  auth: Authenticator;
}

const Id = z.string().min(1).max(64);
const notFound = () => new SwitchboardError('not_found', 'No such workspace or person.');

/**
 * The two look-ups pumble-cli makes with no credentials at all (`info`; PROTOCOL.md 2).
 * Without credentials they answer only what any member already sees and what an id holder
 * could not use against anyone: the workspace's name and a person's display name. The e-mail
 * address is personal contact data, so it is given only to that person (their `Authtoken`).
 * Ids carry 32 random bits and the routes are rate-limited per client, so they cannot be
 * enumerated to build a directory.
 */
export const directoryRoutes: FastifyPluginAsyncZod<DirectoryRoutesOptions> = async (app, { users, auth }) => {
  const tags = ['people'];
  const limit = perClientLimit(60, 60_000);

  app.get(
    '/workspaces/:workspaceId/info',
    {
      schema: {
        tags,
        summary: "A workspace's id and name (no credentials needed: pumble-cli calls it without any)",
        params: z.object({ workspaceId: Id }),
        response: { 200: z.object({ id: z.string(), name: z.string() }), ...errorResponses },
      },
      config: limit,
    },
    async (request) => {
      const workspace = await users.findWorkspace(request.params.workspaceId);
      if (!workspace) throw notFound();
      return { id: workspace.id, name: workspace.name };
    },
  );

  app.get(
    '/workspaces/:workspaceId/workspaceUsers/:workspaceUserId',
    {
      schema: {
        tags,
        summary: "A person's id and display name; their e-mail only to themselves (Authtoken)",
        params: z.object({ workspaceId: Id, workspaceUserId: Id }),
        response: { 200: z.object({ id: z.string(), name: z.string(), email: z.string() }), ...errorResponses },
      },
      config: limit,
    },
    async (request) => {
      const { workspaceId, workspaceUserId } = request.params;
      // A token that is present but invalid is refused (401) rather than silently ignored.
      const caller = await auth.resolve(request);
      const user = await users.findUser(workspaceUserId);
      if (!user || user.workspace_id !== workspaceId || user.role === 'bot') throw notFound();
      const self = caller?.kind === 'person' && caller.userId === user.id;
      // pumble-cli prints the field as is; an empty string reads better than "undefined".
      return { id: user.id, name: user.name, email: self ? user.email : '' };
    },
  );
};
