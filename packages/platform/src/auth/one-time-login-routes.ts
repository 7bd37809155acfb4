import { isSwitchboardError } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { perClientLimit } from '../http/rate-limits.js';
import { errorResponses } from '../http/schemas.js';
import { escapeHtml, page, safeNext } from '../web/html.js';
import { type Authenticator, personOf, SESSION_COOKIE } from './authenticate.js';
import type { OneTimeLogins } from './one-time-login-service.js';

export interface OneTimeLoginRoutesOptions {
  logins: OneTimeLogins;
  auth: Authenticator;
  /** Base of the printed link; the request's own origin when absent. */
  publicUrl?: string;
}

/** Where a link is redeemed. */
export const ONE_TIME_LOGIN_PATH = '/login/once';

const IssueBody = z.object({ next: z.string().max(2048).optional().describe('Page to open once signed in (a path on this server)') });
const IssueResponse = z.object({
  url: z.string().describe('Opens the chat page signed in, once, within 10 minutes'),
  expiresAt: z.number(),
});
const RedeemQuery = z.object({ token: z.string().min(1).max(256), next: z.string().max(2048).optional() });

/**
 * Single-use sign-in links: a signed-in person (a CLI) asks for one, a browser opens it. The
 * token is in the query because it is clicked from a terminal; it is redacted from request logs,
 * used up on first open and short-lived.
 */
export const oneTimeLoginRoutes: FastifyPluginAsyncZod<OneTimeLoginRoutesOptions> = async (app, { logins, auth, publicUrl }) => {
  app.post(
    '/v1/auth/one-time-login',
    {
      schema: {
        tags: ['people'],
        summary: 'A single-use link that signs the caller in on the web page',
        body: IssueBody.optional(),
        response: { 200: IssueResponse, ...errorResponses },
      },
      preHandler: auth.required,
      config: perClientLimit(30, 60_000),
    },
    async (request) => {
      const actor = personOf(request);
      const issued = await logins.issueFor(actor);
      const base = publicUrl ?? `${request.protocol}://${request.host}`;
      const query = new URLSearchParams({ token: issued.token, next: safeNext(request.body?.next) });
      return { url: `${base}${ONE_TIME_LOGIN_PATH}?${query}`, expiresAt: issued.expiresAt };
    },
  );

  app.get(
    ONE_TIME_LOGIN_PATH,
    { schema: { tags: ['web'], summary: 'Redeem a single-use sign-in link', querystring: RedeemQuery }, config: perClientLimit(30, 60_000) },
    async (request, reply) => {
      try {
        const result = await logins.redeem(request.query.token);
        reply.setCookie(SESSION_COOKIE, result.cookie, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: request.protocol === 'https',
          maxAge: result.cookieMaxAgeSeconds,
        });
        return reply.redirect(safeNext(request.query.next), 303);
      } catch (error) {
        if (!isSwitchboardError(error)) throw error;
        const body = `<h1>This link cannot sign you in</h1><p class="error">${escapeHtml(error.message)}</p><p><a href="/login">Sign in with your password</a></p>`;
        return reply.status(error.status).type('text/html').send(page('Sign-in link', body));
      }
    },
  );
};
