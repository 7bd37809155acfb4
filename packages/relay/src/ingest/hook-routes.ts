import { SwitchboardError } from '@switchboard/protocol';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppIdParam, errorResponses } from '../http/schemas.js';
import type { IngestService } from './ingest-service.js';

export interface HookRoutesOptions {
  ingest: IngestService;
  bodyLimit: number;
}

/**
 * `POST /hook/:appId`, where the platform delivers (PROTOCOL.md 9). Bodies of any content type are
 * taken as raw bytes (this plugin's own parser), never re-serialised: signatures stay valid.
 */
export const hookRoutes: FastifyPluginAsyncZod<HookRoutesOptions> = async (app, { ingest, bodyLimit }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));

  app.post(
    '/hook/:appId',
    {
      bodyLimit,
      schema: {
        tags: ['ingest'],
        summary: 'Where the platform delivers an app’s hooks: verified, then stored (201), answered (challenge) or relayed (trigger)',
        params: AppIdParam,
        response: { 201: z.object({ id: z.string() }), ...errorResponses, 413: errorResponses[400], 503: errorResponses[400] },
      },
    },
    async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (body.length === 0) throw new SwitchboardError('invalid_request', 'A hook needs a body.');
      const outcome = await ingest.ingest(request.params.appId, request.headers, body);
      if (outcome.kind === 'stored') return reply.status(201).send({ id: outcome.id });
      // Answers whose status and bytes are decided elsewhere (the challenge, the app's trigger reply).
      const raw = reply as FastifyReply;
      if (outcome.kind === 'challenge') {
        // These exact bytes are what the X-OUTBOUND-TOKEN signs.
        return raw.status(200).header('content-type', 'application/json').header('x-outbound-token', outcome.token).serializer(String).send(outcome.body);
      }
      if (outcome.status === 503) raw.header('retry-after', '1');
      return raw
        .status(outcome.status)
        .header('content-type', 'application/json')
        .serializer(String)
        .send(JSON.stringify(outcome.body ?? {}));
    },
  );
};
