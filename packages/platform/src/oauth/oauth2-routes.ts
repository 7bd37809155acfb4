import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Authenticator, actorOf } from '../auth/authenticate.js';
import type { UsersStore } from '../chat/users/users-store.js';
import { perClientLimit } from '../http/rate-limits.js';
import { errorResponses } from '../http/schemas.js';
import type { ExchangeService } from './exchange-service.js';
import type { LifecycleService } from './lifecycle-service.js';

const AccessBody = z.object({
  'client-id': z.string().min(1).max(64),
  'client-secret': z.string().min(1).max(256),
  code: z.string().min(1).max(256),
  code_verifier: z.string().max(128).optional(),
});
const AccessResponse = z.object({
  accessToken: z.string(),
  botToken: z.string().optional(),
  userId: z.string(),
  botId: z.string().optional(),
  workspaceId: z.string(),
});

export interface OAuth2RoutesOptions {
  exchange: ExchangeService;
  lifecycle: LifecycleService;
  users: UsersStore;
  auth: Authenticator;
}

/** Pumble's token exchange (`/oauth2/access`, multipart or urlencoded) and `/oauth2/me` (PROTOCOL.md 4.1). */
export const oauth2Routes: FastifyPluginAsyncZod<OAuth2RoutesOptions> = async (app, { exchange, lifecycle, users, auth }) => {
  const tags = ['oauth'];
  // Only this plugin parses multipart: the Pumble SDK and curl --form send it here.
  await app.register(multipart, { attachFieldsToBody: 'keyValues', limits: { fileSize: 0, files: 0, fields: 10, fieldSize: 4096 } });

  app.post(
    '/oauth2/access',
    {
      schema: {
        tags,
        summary: 'Exchange a consent code for user and bot tokens',
        consumes: ['multipart/form-data', 'application/x-www-form-urlencoded', 'application/json'],
        body: AccessBody,
        response: { 200: AccessTokenResponse, ...errorResponses },
      },
      config: perClientLimit(60, 60_000),
    },
    async (request) => {
      const body = request.body;
      const installed = await exchange.exchange({
        clientId: body['client-id'],
        clientSecret: body['client-secret'],
        code: body.code,
        codeVerifier: body.code_verifier,
        flow: 'pumble',
      });
      await lifecycle.welcome(installed).catch((err) => request.log.warn({ err }, 'welcome message failed'));
      return installed.response;
    },
  );

  app.get(
    '/oauth2/me',
    {
      preHandler: auth.required,
      schema: {
        tags,
        summary: 'Who this token is',
        response: {
          200: z.object({ workspaceId: z.string(), workspaceName: z.string(), workspaceUserId: z.string(), workspaceUserName: z.string() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const [workspace, user] = await Promise.all([users.findWorkspace(actor.workspaceId), users.findUser(actor.userId)]);
      return { workspaceId: actor.workspaceId, workspaceName: workspace?.name ?? '', workspaceUserId: actor.userId, workspaceUserName: user?.name ?? '' };
    },
  );
};

const AccessTokenResponse = AccessResponse;
