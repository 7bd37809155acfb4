import { AppSummary, ManifestResponse, RotatedSecrets, SwitchboardError } from '@switchboard/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PersonActor } from '../auth/actor.js';
import { type Authenticator, personOf } from '../auth/authenticate.js';
import { errorResponses } from '../http/schemas.js';
import type { GrantService } from '../oauth/grant-service.js';
import type { InstallationsStore } from '../oauth/installations-store.js';
import type { AppsService } from './apps-service.js';

const Id = z.string().min(1).max(64);
const Base = z.object({ workspaceId: Id, workspaceUserId: Id });
const WithApp = Base.extend({ appId: Id });
const ManifestBody = z.record(z.string(), z.unknown()).describe('The registered manifest (see /schemas/manifest.json)');

/** The path's person must be the caller (PROTOCOL.md 3). */
function owner(request: FastifyRequest): PersonActor {
  const person = personOf(request);
  const params = request.params as { workspaceId: string; workspaceUserId: string };
  if (person.workspaceId !== params.workspaceId || person.userId !== params.workspaceUserId) {
    throw new SwitchboardError('forbidden', 'The path must name your own workspace and user.');
  }
  return person;
}

export interface AppsRoutesOptions {
  apps: AppsService;
  grants: GrantService;
  installations: InstallationsStore;
  auth: Authenticator;
}

/** App management API (seed 001, PROTOCOL.md section 3), Pumble paths. */
export const appsRoutes: FastifyPluginAsyncZod<AppsRoutesOptions> = async (app, { apps, grants, installations, auth }) => {
  const tags = ['apps'];
  const base = '/workspaces/:workspaceId/workspaceUsers/:workspaceUserId';
  app.addHook('preHandler', auth.required);

  app.post(
    `${base}/apps`,
    { schema: { tags, summary: 'Register an app', params: Base, body: ManifestBody, response: { 200: ManifestResponse, ...errorResponses } } },
    async (request) => apps.create(owner(request), request.body),
  );

  app.put(
    `${base}/apps/:appId`,
    {
      schema: {
        tags,
        summary: 'Replace the manifest (secrets unchanged)',
        params: WithApp,
        body: ManifestBody,
        response: { 200: ManifestResponse, ...errorResponses },
      },
    },
    async (request) => apps.update(owner(request), request.params.appId, request.body),
  );

  app.get(
    `${base}/apps/mine`,
    { schema: { tags, summary: 'Your apps, without secrets', params: Base, response: { 200: z.array(AppSummary), ...errorResponses } } },
    async (request) => apps.listMine(owner(request)),
  );

  app.get(
    `${base}/apps/mine/:appId`,
    { schema: { tags, summary: 'One of your apps, with its secrets', params: WithApp, response: { 200: ManifestResponse, ...errorResponses } } },
    async (request) => apps.getMine(owner(request), request.params.appId),
  );

  app.delete(
    `${base}/apps/:appId`,
    { schema: { tags, summary: 'Delete an app', params: WithApp, response: { 204: z.null(), ...errorResponses } } },
    async (request, reply) => {
      await apps.delete(owner(request), request.params.appId);
      return reply.status(204).send(null);
    },
  );

  app.put(
    `${base}/apps/:appId/secrets/rotate`,
    {
      schema: {
        tags,
        summary: 'Rotate secrets (all, or one with ?secret=); the old signing secret signs alongside for 24 h',
        params: WithApp,
        querystring: z.object({ secret: z.enum(['appKey', 'clientSecret', 'signingSecret']).optional() }),
        response: { 200: RotatedSecrets, ...errorResponses },
      },
    },
    async (request) => apps.rotate(owner(request), request.params.appId, request.query.secret),
  );

  app.get(
    `${base}/apps/authorizations`,
    {
      schema: {
        tags,
        summary: 'Apps you have authorized',
        params: Base,
        response: { 200: z.array(z.object({ app: z.object({ id: z.string() }) })), ...errorResponses },
      },
    },
    async (request) => (await installations.authorizedAppsOf(owner(request).userId)).map((row) => ({ app: { id: row.app_id } })),
  );

  app.get(
    `${base}/oauth2/grant`,
    {
      schema: {
        tags,
        summary: 'Consent without the page (CLIs): returns the code and the redirect URL carrying it',
        params: Base,
        querystring: z.object({
          clientId: Id,
          scopes: z.string().max(2000),
          redirectUrl: z.string().max(2048),
          isReinstall: z.enum(['true', 'false']).optional(),
          state: z.string().max(1024).optional(),
        }),
        response: { 200: z.object({ code: z.string(), redirectUrl: z.string() }), ...errorResponses },
      },
    },
    async (request) => {
      const person = owner(request);
      const consent = { ...request.query, isReinstall: request.query.isReinstall === 'true' };
      const checked = await grants.check(consent);
      return grants.allow(checked, consent, person.workspaceId, person.userId);
    },
  );
};
