import { MessageSearchRequest, PageMessageSearchResult } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type Authenticator, actorOf } from '../auth/authenticate.js';
import { errorResponses } from '../http/schemas.js';
import type { SearchService } from './search-service.js';

/** `POST /v1/messages/search` (the Pumble SDK's `searchMessages`). */
export const searchRoutes: FastifyPluginAsyncZod<{ search: SearchService; auth: Authenticator }> = async (app, { search, auth }) => {
  app.post(
    '/v1/messages/search',
    {
      preHandler: auth.required,
      schema: {
        tags: ['messages'],
        summary: 'Search the messages you may read (text, authors, channels, dates, paging)',
        body: MessageSearchRequest,
        response: { 200: PageMessageSearchResult, ...errorResponses },
      },
    },
    async (request) => search.search(actorOf(request), request.body),
  );
};
