import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SESSION_COOKIE } from '../auth/authenticate.js';
import { escapeHtml } from './html.js';
import { secureHtml } from './security-headers.js';
import { type WebBuild, webBuild } from './web-build.js';

/** Paths the page routes itself (history API): each answers with the page, which then shows the right view. */
export const CLIENT_ROUTES = ['/', '/c/:channelId', '/c/:channelId/t/:rootId', '/apps'] as const;

const YEAR_SECONDS = 365 * 24 * 3600;

function notBuiltPage(problem: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Switchboard</title></head><body><main><h1>The chat page is not built</h1><p>${escapeHtml(problem)}</p><p>The API is up: see <a href="/openapi.json">/openapi.json</a>.</p></main></body></html>`;
}

/**
 * Serves the chat page (`@switchboard/web`'s build): hashed assets with a year-long immutable
 * cache, and `index.html` (never cached, with the CSP) for every client route.
 */
export const webRoutes: FastifyPluginAsyncZod<{ build?: WebBuild }> = async (app, options) => {
  const build = options.build ?? webBuild();
  if (build.ok) {
    await app.register(fastifyStatic, {
      root: join(build.dir, 'assets'),
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      wildcard: true,
      cacheControl: false,
      setHeaders: (res) => {
        res.setHeader('cache-control', `public, max-age=${YEAR_SECONDS}, immutable`);
        res.setHeader('x-content-type-options', 'nosniff');
      },
    });
  } else {
    app.log.warn(build.problem);
  }
  const schema = { tags: ['web'], summary: 'The chat page (HTML)', hide: true, params: z.record(z.string(), z.string().max(200)) };
  for (const url of CLIENT_ROUTES) {
    app.get(url, { schema }, async (request, reply) => {
      if (!build.ok) return secureHtml(reply.status(503)).send(notBuiltPage(build.problem));
      // Without a session there is nothing to show: sign in first, then come back here.
      if (!request.cookies[SESSION_COOKIE]) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 302);
      return secureHtml(reply).header('cache-control', 'no-cache').send(build.indexHtml);
    });
  }
};
