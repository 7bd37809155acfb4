import { isSwitchboardError } from '@switchboard/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SESSION_COOKIE } from '../auth/authenticate.js';
import type { SessionsService } from '../auth/sessions-service.js';
import { perClientLimit } from '../http/rate-limits.js';
import { escapeHtml, page, safeNext } from './html.js';
import { secureHtml } from './security-headers.js';

/** Revokes the session of the cookie the browser signed in with, if it still has one. */
async function endPreviousSession(request: FastifyRequest, sessions: SessionsService): Promise<void> {
  const previous = request.cookies[SESSION_COOKIE];
  if (!previous) return;
  try {
    const actor = await sessions.authenticateCookie(previous);
    await sessions.revoke(actor.sessionId);
  } catch {
    // Already ended: nothing to revoke.
  }
}

function loginForm(next: string, error?: string): string {
  return page(
    'Sign in',
    `<h1>Sign in to Switchboard</h1>${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/login"><input type="hidden" name="next" value="${escapeHtml(next)}">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="actions"><button class="button primary wide" type="submit">Sign in</button></div></form>`,
  );
}

/** The browser sign-in page; consent and the web UI send people here first. */
export const loginRoutes: FastifyPluginAsyncZod<{ sessions: SessionsService }> = async (app, { sessions }) => {
  app.get('/login', { schema: { tags: ['web'], querystring: z.object({ next: z.string().max(4096).optional() }) } }, async (request, reply) =>
    secureHtml(reply).send(loginForm(safeNext(request.query.next))),
  );

  app.post(
    '/login',
    {
      schema: { tags: ['web'], body: z.object({ email: z.string().max(320), password: z.string().max(1024), next: z.string().max(4096).optional() }) },
      config: perClientLimit(20, 60_000),
    },
    async (request, reply) => {
      const next = safeNext(request.body.next);
      try {
        const result = await sessions.login(request.body.email, request.body.password);
        // A fresh session every sign-in, and the one this browser had before ends (no fixation).
        await endPreviousSession(request, sessions);
        reply.setCookie(SESSION_COOKIE, result.cookie, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: request.protocol === 'https',
          maxAge: result.cookieMaxAgeSeconds,
        });
        return reply.redirect(next, 303);
      } catch (error) {
        if (!isSwitchboardError(error)) throw error;
        return secureHtml(reply.status(error.status)).send(loginForm(next, error.message));
      }
    },
  );
};
