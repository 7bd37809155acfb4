import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { perClientLimit } from '../http/rate-limits.js';
import { errorResponses } from '../http/schemas.js';
import { type Authenticator, actorOf, SESSION_COOKIE } from './authenticate.js';
import type { SessionsService } from './sessions-service.js';

export interface AuthRoutesOptions {
  sessions: SessionsService;
  auth: Authenticator;
}

const LoginBody = z.object({
  // Trimmed before validation: a pasted address often carries a trailing space.
  email: z.string().trim().max(320).pipe(z.email()),
  password: z.string().min(1).max(1024),
  workspaceId: z.string().max(64).optional(),
});
const LoginResponse = z.object({
  token: z.string(),
  refreshToken: z.string(),
  workspaceId: z.string(),
  workspaceUserId: z.string(),
});
const RefreshBody = z.object({ refreshToken: z.string().min(1).max(512) });

/** People's sign-in routes (PROTOCOL.md section 2). */
export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { sessions, auth }) => {
  app.post(
    '/v1/auth/login',
    {
      schema: { tags: ['people'], summary: 'Sign in with email and password', body: LoginBody, response: { 200: LoginResponse, ...errorResponses } },
      config: perClientLimit(20, 60_000),
    },
    async (request, reply) => {
      const { email, password, workspaceId } = request.body;
      const result = await sessions.login(email, password, workspaceId);
      reply.setCookie(SESSION_COOKIE, result.cookie, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
        maxAge: result.cookieMaxAgeSeconds,
      });
      return { token: result.token, refreshToken: result.refreshToken, workspaceId: result.workspaceId, workspaceUserId: result.workspaceUserId };
    },
  );

  app.post(
    '/workspaces/:workspaceId/refresh',
    {
      schema: {
        tags: ['people'],
        summary: 'Exchange a refresh token for a new token pair (refresh tokens rotate)',
        params: z.object({ workspaceId: z.string().max(64) }),
        body: RefreshBody,
        response: { 200: z.object({ token: z.string(), refreshToken: z.string() }), ...errorResponses },
      },
    },
    async (request) => sessions.refresh(request.params.workspaceId, request.body.refreshToken),
  );

  app.post(
    '/v1/auth/logout',
    { schema: { tags: ['people'], summary: 'End the current session', response: { 204: z.null(), ...errorResponses } }, preHandler: auth.required },
    async (request, reply) => {
      const actor = actorOf(request);
      if (actor.kind === 'person') await sessions.revoke(actor.sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );
};
