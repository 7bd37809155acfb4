import type { FastifyInstance } from 'fastify';

/**
 * JSON bodies, where an empty body is no body: the Pumble SDK sends `content-type:
 * application/json` on every request, bodiless DELETEs included, and Fastify's own parser
 * refuses those with 400. Anything else goes through Fastify's default parser (same
 * prototype-poisoning protection, same errors for bad JSON).
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}
